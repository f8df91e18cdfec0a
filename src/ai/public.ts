/** What workers may ask of the AI domain: the insight job (payload schema in jobs.ts). */
export { generateInsight } from './insights/service'
export { InsightJob } from './jobs'
