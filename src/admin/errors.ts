import { AppError } from '../platform/http/errors'

export const adminErrors = {
  unknownQueue: (queue: string) => new AppError(404, 'not_found', `Unknown queue: ${queue}`),
  jobNotFound: () => new AppError(404, 'not_found', 'Job not found'),
  notFailed: () => new AppError(409, 'invalid_transition', 'Only failed jobs can be retried'),
}
