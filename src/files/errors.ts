import { AppError, httpErrors } from '../platform/http/errors'

/** The files domain's error codes (SPEC §2, §8). */
export const fileErrors = {
  tooLarge: (limit: number) => new AppError(413, 'payload_too_large', `The upload is larger than ${limit} bytes`),
  quotaExceeded: (quota: number) => new AppError(413, 'quota_exceeded', `Your uploads would exceed your storage quota of ${quota} bytes: delete files first`),
  unsupportedType: (purpose: string) =>
    new AppError(415, 'unsupported_media_type', `This file type is not allowed for purpose "${purpose}"`),
  badMultipart: (message = 'Malformed multipart body') => httpErrors.badRequest(message),
  notFound: () => httpErrors.notFound('File not found'),
  /** A file id given in another domain's body that the caller may not use there. */
  unusable: (field: string, message: string) => httpErrors.validation([{ field, code: 'invalid_file', message }]),
}
