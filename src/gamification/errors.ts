import { httpErrors } from '../platform/http/errors'

export const gamificationErrors = {
  badCursor: () => httpErrors.validation([{ field: 'cursor', message: 'invalid cursor' }]),
}
