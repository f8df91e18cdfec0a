import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { closeRedis, connectRedis, deleteKeyspace, isCluster, type Redis } from '../../src/platform/redis'
import { startRedisCluster, type LocalCluster } from '../helpers/redis-cluster'
import { waitFor } from '../helpers/app'

// The cluster client behind the one `Redis` type (REDIS_CLUSTER_NODES), on a private local cluster.
let cluster: LocalCluster
let redis: Redis
let sub: Redis
const prefix = `lyceum-cluster-unit-${process.pid}`

beforeAll(async () => {
  cluster = await startRedisCluster()
  const config = { REDIS_URL: 'redis://127.0.0.1:1', REDIS_CLUSTER_NODES: cluster.nodes }
  redis = await connectRedis(config, 'test')
  sub = await connectRedis(config, 'test-sub')
})
afterAll(async () => {
  await closeRedis(sub)
  await closeRedis(redis)
  await cluster.stop()
})

describe('Redis Cluster client', () => {
  test('keys spread over the masters; scanIterator sees every master; deleteKeyspace empties them all', async () => {
    expect(isCluster(redis)).toBe(true)
    const keys = Array.from({ length: 60 }, (_, i) => `${prefix}:k:${i}`)
    await Promise.all(keys.map((k) => redis.set(k, '1')))
    const perMaster = await Promise.all(
      cluster.ports.map((p) => Number(Bun.spawnSync(['redis-cli', '-p', String(p), 'dbsize']).stdout.toString().trim())),
    )
    expect(perMaster.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2)
    const seen: string[] = []
    for await (const batch of redis.scanIterator({ MATCH: `${prefix}:*`, COUNT: 100 })) seen.push(...batch)
    expect(seen.sort()).toEqual([...keys].sort())
    await deleteKeyspace(redis, prefix)
    const left: string[] = []
    for await (const batch of redis.scanIterator({ MATCH: `${prefix}:*`, COUNT: 100 })) left.push(...batch)
    expect(left).toEqual([])
  })

  test('publish/subscribe are sharded: a message reaches the subscriber of its channel, whatever the slot', async () => {
    const got: string[] = []
    const channels = Array.from({ length: 6 }, (_, i) => `${prefix}:ch:${i}`)
    for (const ch of channels) await sub.subscribe(ch, (m) => got.push(m))
    for (const ch of channels) await redis.publish(ch, ch)
    await waitFor(() => got.length === channels.length, { what: 'sharded messages' })
    expect(got.sort()).toEqual([...channels].sort())
    // Classic PUBLISH would not reach an SSUBSCRIBE subscriber: the adapter really sends SPUBLISH.
    const shardSubs = cluster.ports.map((p) => Number(Bun.spawnSync(['redis-cli', '-p', String(p), 'pubsub', 'shardnumsub', ...channels]).stdout.toString().split('\n').filter((_, i) => i % 2 === 1).reduce((a, b) => a + Number(b || 0), 0)))
    expect(shardSubs.reduce((a, b) => a + b, 0)).toBe(channels.length)
    await sub.unsubscribe(channels[0]!)
  })
})
