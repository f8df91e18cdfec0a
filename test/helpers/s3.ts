import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
// @ts-expect-error s3rver ships no type declarations
import S3rver from 's3rver'
import { onClose } from './app'

export type S3Server = { endpoint: string; bucket: string; dir: string; env: Record<string, string> }

let shared: Promise<S3Server> | undefined

/**
 * A local S3-compatible server (s3rver) in this process, on a free port, storing into a
 * temporary folder, with one bucket. `env` holds the settings for `testAppWith(env)`.
 * s3rver checks only the access key id (`S3RVER`).
 */
export function s3Server(): Promise<S3Server> {
  shared ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lyceum-s3-'))
    const bucket = 'lyceum-test'
    const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: bucket }] })
    const { port } = (await server.run()) as { port: number }
    onClose(async () => {
      await server.close().catch(() => {})
      rmSync(dir, { recursive: true, force: true })
    })
    const endpoint = `http://127.0.0.1:${port}`
    const env = {
      STORAGE_DRIVER: 's3',
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_FORCE_PATH_STYLE: 'true',
    }
    return { endpoint, bucket, dir, env }
  })()
  return shared
}
