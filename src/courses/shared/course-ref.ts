import type { Deps } from '../../platform/deps'
import { idFromSlug } from '../../platform/http/slug-params'
import { findCourseIdBySlug } from '../catalog/queries'

/** `transform` for routes whose `:id` names a course: the slug works as well as the id. */
export const courseRef = (deps: Pick<Deps, 'sql'>) => idFromSlug((slug) => findCourseIdBySlug(deps.sql, slug))
