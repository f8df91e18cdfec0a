import { t } from 'elysia'

/**
 * A text field that PostgreSQL can store: NUL characters are refused with 422 here
 * instead of failing in the database as a 500.
 */
export const Text = (opts: Parameters<typeof t.String>[0] = {}) => t.String({ pattern: '^[^\\u0000]*$', ...opts })
