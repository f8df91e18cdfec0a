import { Elysia, t } from 'elysia'
import type { Deps } from '../../platform/deps'
import { authenticate, authGuard, bearerToken, tokenDepsOf } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { binaryResponse, redirectResponse } from '../../platform/http/responses'
import { ContentQuery, FileModel, FileParams, uploadRequestBody } from './model'
import { deleteFile, fileContent, getFile, uploadFile, type Viewer } from './service'

/** Public files need no token; a token that is sent must still be valid (401 otherwise). */
async function viewerOf(deps: Deps, authorization: string | undefined): Promise<Viewer> {
  const token = bearerToken(authorization)
  if (!token) return null
  const auth = await authenticate(tokenDepsOf(deps), token)
  return { userId: auth.userId, role: auth.role }
}

const optionalAuth = { security: [{}, { bearerAuth: [] }] as Record<string, string[]>[] }

/** Options the composition root may pass to `files(deps, opts)`. */
export type FilesOptions = {
  /** Called after a file row is gone (e.g. accounts drops the owner's cached profile: its avatar may have been cleared). */
  onDeleted?: (file: { id: string; ownerId: string }) => void
}

export function filesRoutes(deps: Deps, opts: FilesOptions = {}) {
  return new Elysia({ prefix: '/files', tags: ['files'] })
    .use(authGuard(deps))
    .post(
      '',
      async ({ auth, request, set }) => {
        const file = await uploadFile(deps, auth.userId, request)
        set.status = 201
        return file
      },
      {
        auth: true,
        // The body is read as a stream by the service so that its size is enforced while it arrives.
        parse: 'none',
        detail: { summary: 'Upload a file (multipart: file + purpose); images get WebP variants; UPLOAD_QUOTA_BYTES (413 quota_exceeded) and LIMIT_UPLOADS_PER_HOUR (429) per user', requestBody: uploadRequestBody as never },
        response: { 201: FileModel, ...errorResponses(400, 401, 413, 415, 422, 429, 503) },
      },
    )
    .get('/:id', async ({ params, headers }) => getFile(deps, params.id, await viewerOf(deps, headers.authorization)), {
      params: FileParams,
      detail: { summary: "A file's metadata (avatars, covers and product images are public)", security: optionalAuth.security },
      response: { 200: FileModel, ...errorResponses(401, 404, 422) },
    })
    .get(
      '/:id/content',
      async ({ params, query, headers }) => fileContent(deps, params.id, query.variant, await viewerOf(deps, headers.authorization), headers['if-none-match']),
      {
        params: FileParams,
        query: ContentQuery,
        detail: {
          summary: 'The file bytes (or a variant): streamed, or a 302 to a short-lived presigned URL with S3',
          security: optionalAuth.security,
          responses: { 200: { description: 'The bytes' }, 302: { description: 'Redirect to a presigned storage URL' }, 304: { description: 'Not modified (ETag)' } },
        },
        response: { 200: binaryResponse('application/octet-stream', 'The bytes, with their own Content-Type'), 302: redirectResponse('Redirect to a presigned storage URL (S3 driver)'), 304: t.Void({ description: 'Not modified (ETag)' }), ...errorResponses(401, 404, 422) },
      },
    )
    .delete(
      '/:id',
      async ({ params, auth, set }) => {
        await deleteFile(deps, params.id, { userId: auth.userId, role: auth.role }, opts.onDeleted)
        set.status = 204
      },
      {
        auth: true,
        params: FileParams,
        detail: { summary: 'Delete a file and its variants (owner or admin)' },
        response: { 204: t.Void(), ...errorResponses(401, 404, 422) },
      },
    )
}
