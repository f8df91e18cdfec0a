import { UnrecoverableError } from 'bullmq'
import { Value } from '@sinclair/typebox/value'
import { ImageVariantsJob } from '../src/files/jobs'
import { makeImageVariants } from '../src/files/public'
import type { Processor } from './types'

/** `images` queue: WebP variants of an uploaded image (thin; the work lives in files/public). */
export const processImages: Processor = async (job, deps) => {
  if (!Value.Check(ImageVariantsJob, job.data)) throw new UnrecoverableError('bad images job payload')
  return makeImageVariants(deps, job.data.file_id)
}
