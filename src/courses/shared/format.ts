/** ISO-8601 text of a timestamp column, keeping `null` (response schemas want strings). */
export const iso = (d: Date | string | null | undefined) => (d == null ? null : d instanceof Date ? d.toISOString() : new Date(d).toISOString())

/** A course is addressed by id or slug, so a slug must never look like an id. */
