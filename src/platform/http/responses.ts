import { t } from 'elysia'

/**
 * Response schemas for bodies that are not JSON. The OpenAPI document shows them under their
 * media type as binary content (see openapi-document.ts); at run time they accept any body.
 */
export const binaryResponse = (mediaType: string, description: string) => t.Any({ description, contentMediaType: mediaType })

/** A redirect: no body, the target in `Location`. */
export const redirectResponse = (description: string) => t.Void({ description })
