/** Payloads of the jobs the files domain enqueues (parsed by the worker with these schemas). */
import { Type as T, type Static } from '@sinclair/typebox'
import type { Queues } from '../platform/queues'

export const ImageVariantsJob = T.Object({ file_id: T.String({ format: 'uuid' }) })
export type ImageVariantsJob = Static<typeof ImageVariantsJob>

/** Asks the images worker for a file's variants; the job id makes a double enqueue harmless. */
export async function enqueueImageVariants(queues: Pick<Queues, 'images'>, fileId: string) {
  await queues.images.add('variants', { file_id: fileId } satisfies ImageVariantsJob, { jobId: `variants-${fileId}` })
}
