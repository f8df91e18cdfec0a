import { describe, expect, test } from 'bun:test'
import { call, listenApp, testApp, testWorkers, waitFor } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { connectWs } from '../helpers/ws'
import { enrolledStudent, makeCourse } from '../courses/fixtures'
import { awardXp, levelFor, xpForLevel } from '../../src/gamification/public'
import { writeEvent } from '../../src/platform/outbox'

const progress = async (token: string) => (await call('GET', '/api/v1/me/progress', { token })).body
const deps = async () => (await testApp()).deps

describe('XP from learning events', () => {
  test('lesson completion earns 10 XP once (completing it twice earns nothing); course completion 100; achievements', async () => {
    await testWorkers()
    const { course, lessons } = await makeCourse({ lessons: 2, publish: true })
    const { student } = await enrolledStudent(course.id)
    expect((await call('POST', `/api/v1/lessons/${lessons[0].id}/complete`, { token: student.token })).status).toBeLessThan(300)
    await waitFor(async () => (await progress(student.token)).xp === 10, { what: '10 XP' })
    expect((await call('POST', `/api/v1/lessons/${lessons[0].id}/complete`, { token: student.token })).status).toBeLessThan(300)
    expect((await call('POST', `/api/v1/lessons/${lessons[1].id}/complete`, { token: student.token })).status).toBeLessThan(300)
    const p = await waitFor(async () => { const b = await progress(student.token); return b.xp === 120 && b }, { what: '120 XP' })
    expect(p.level).toBe(1)
    expect(p.next_level_xp).toBe(300)
    expect(p.streak_days).toBe(1)
    expect(p.achievements.map((a: any) => a.key).sort()).toEqual(['first_course', 'first_lesson'])
    expect(p.achievements[0]).toEqual({ key: expect.any(String), title: expect.any(String), description: expect.any(String), unlocked_at: expect.any(String) })
    const rows = await (await deps()).sql`select source, xp from xp_events where user_id = ${student.id} order by id`
    // Events are handled concurrently, so compare the awards regardless of insertion order.
    expect(rows.map((r) => `${r.source}:${r.xp}`).sort()).toEqual(['course:100', 'lesson:10', 'lesson:10'])
  })

  test('the same event dispatched twice awards XP once', async () => {
    const running = await testWorkers()
    const d = await deps()
    const student = await newUser()
    const payload = { user_id: student.id, lesson_id: crypto.randomUUID(), course_id: crypto.randomUUID(), enrollment_id: crypto.randomUUID() }
    const ids = await d.sql.begin(async (tx) => {
      await writeEvent(tx, 'lesson.completed', payload)
      await writeEvent(tx, 'lesson.completed', payload)
      return (await tx<{ id: string }[]>`select id from outbox order by id desc limit 2`).map((r) => r.id)
    })
    await running.dispatch()
    for (const id of ids) {
      await waitFor(async () => (await d.queues.events.getJob(`outbox-${id}`))?.finishedOn, { what: `event ${id} handled` })
    }
    expect((await progress(student.token)).xp).toBe(10)
    expect((await d.sql`select count(*)::int as n from xp_events where user_id = ${student.id}`)[0]!.n).toBe(1)
  })

  test('at most 500 XP per UTC day; the excess is dropped', async () => {
    const d = await deps()
    const s = await newUser()
    expect((await awardXp(d, { userId: s.id, source: 'scenario', sourceId: crypto.randomUUID(), xp: 400 })).xp_awarded).toBe(400)
    expect((await awardXp(d, { userId: s.id, source: 'scenario', sourceId: crypto.randomUUID(), xp: 400 })).xp_awarded).toBe(100)
    expect((await awardXp(d, { userId: s.id, source: 'lesson', sourceId: crypto.randomUUID(), xp: 10 })).xp_awarded).toBe(0)
    const p = await progress(s.token)
    expect(p.xp).toBe(500)
    expect(p.xp_today).toBe(500)
    expect(p.level).toBe(2)
    expect(p.next_level_xp).toBe(600)
  })

  test('level curve: level n needs 100·n·(n+1)/2 XP', () => {
    expect([0, 99, 100, 299, 300, 599, 600, 1500, 1499].map(levelFor)).toEqual([0, 0, 1, 1, 2, 2, 3, 5, 4])
    expect([1, 2, 3, 5].map(xpForLevel)).toEqual([100, 300, 600, 1500])
  })

  test('7-day streak unlocks once, pushed as notification {kind: "achievement_unlocked"}', async () => {
    const d = await deps()
    const s = await newUser()
    for (let i = 1; i <= 6; i++) {
      await d.sql`insert into xp_events (user_id, source, source_id, requested_xp, xp, day)
        values (${s.id}, 'lesson', ${`past-${i}`}, 10, 10, (now() at time zone 'utc')::date - ${i}::int)`
    }
    expect((await progress(s.token)).streak_days).toBe(6)
    const { ws } = await listenApp()
    const sock = await connectWs(`${ws}/api/v1/ws`, { authorization: `Bearer ${s.token}` })
    await sock.next('hello')
    const r = await awardXp(d, { userId: s.id, source: 'lesson', sourceId: 'today', xp: 10 })
    expect(r.achievements_unlocked.map((a) => a.key)).toEqual(['streak_7'])
    const f = await sock.next('notification', (n) => n.kind === 'achievement_unlocked')
    expect(f.data.achievement).toMatchObject({ key: 'streak_7', title: expect.any(String) })
    expect((await progress(s.token)).streak_days).toBe(7)
    const again = await awardXp(d, { userId: s.id, source: 'lesson', sourceId: 'today-2', xp: 10 })
    expect(again.achievements_unlocked).toEqual([])
    sock.close()
  })

  test('GET /me/progress needs a token', async () => {
    expect((await call('GET', '/api/v1/me/progress')).status).toBe(401)
  })
})

describe('leaderboards', () => {
  test('week and all-time, highest first, with ranks, names and cursor paging; rebuilt after a Redis flush', async () => {
    const d = await deps()
    const users = [await newUser({ display_name: 'LB Low' }), await newUser({ display_name: 'LB High' }), await newUser({ display_name: 'LB Mid' })]
    const xp = [130, 470, 260]
    for (let i = 0; i < 3; i++) await awardXp(d, { userId: users[i]!.id, source: 'scenario', sourceId: crypto.randomUUID(), xp: xp[i]! })
    const viewer = users[0]!
    const check = async () => {
      for (const period of ['week', 'all']) {
        const r = await call('GET', `/api/v1/leaderboard?period=${period}&limit=100`, { token: viewer.token })
        expect(r.status).toBe(200)
        const mine = r.body.items.filter((it: any) => users.some((u) => u.id === it.user_id))
        expect(mine.map((it: any) => [it.display_name, it.xp])).toEqual([['LB High', 470], ['LB Mid', 260], ['LB Low', 130]])
        expect(r.body.items.map((it: any) => it.rank)).toEqual(r.body.items.map((_: unknown, i: number) => i + 1))
        const scores = r.body.items.map((it: any) => it.xp)
        expect(scores).toEqual([...scores].sort((a: number, b: number) => b - a))
      }
    }
    await check()
    const first = await call('GET', '/api/v1/leaderboard?period=all&limit=1', { token: viewer.token })
    expect(first.body.items).toHaveLength(1)
    expect(first.body.next_cursor).toBeString()
    const second = await call('GET', `/api/v1/leaderboard?period=all&limit=1&cursor=${first.body.next_cursor}`, { token: viewer.token })
    expect(second.body.items[0].rank).toBe(2)
    expect(second.body.items[0].xp).toBeLessThanOrEqual(first.body.items[0].xp)

    // Flush only this run's gamification keys (never FLUSHALL/FLUSHDB: other runs share Redis).
    const keys: string[] = []
    for await (const batch of d.redis.scanIterator({ MATCH: d.keys('gam', '*'), COUNT: 1000 })) keys.push(...batch)
    expect(keys.length).toBeGreaterThan(0)
    await d.redis.del(keys)
    expect(await d.redis.exists(d.keys('gam', 'lb', 'all'))).toBe(0)
    await check()
    expect(await d.redis.exists(d.keys('gam', 'lb', 'ready'))).toBe(1)
  })

  test('errors: 401 without a token, 422 for a bad period or cursor', async () => {
    expect((await call('GET', '/api/v1/leaderboard')).status).toBe(401)
    const s = await newUser()
    expect((await call('GET', '/api/v1/leaderboard?period=month', { token: s.token })).status).toBe(422)
    expect((await call('GET', '/api/v1/leaderboard?cursor=zzz', { token: s.token })).status).toBe(422)
    expect((await call('GET', '/api/v1/leaderboard?limit=0', { token: s.token })).status).toBe(422)
  })
})
