import type { Job } from 'bullmq'
import type { Deps } from '../src/platform/deps'
import type { MailTemplate, MailTransport } from '../src/platform/mail'

/** What a job processor may touch: the platform deps plus the worker-only mail transport. */
export type WorkerDeps = Deps & { mail: { transport: MailTransport; templates: Map<string, MailTemplate>; from: string } }
export type Processor = (job: Job, deps: WorkerDeps) => Promise<unknown>
