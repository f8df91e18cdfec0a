/**
 * Demo data for `bun run dev`, loaded through the public API (so it exercises the real code
 * paths) and safe to run again. It covers every journey of SPEC §15: verified demo accounts
 * (admin, instructor, student), a free and a paid course (each with a quiz), a digital and a
 * physical product, a role-play scenario, and a conversation between the demo student and the
 * instructor with a few messages.
 */
const API = `${process.env.API_URL ?? 'http://127.0.0.1:3000'}/api/v1`
const PASSWORD = 'lyceum-demo-password'
const ROOT = `${import.meta.dir}/..`
const say = (m: string) => console.log(`[seed] ${m}`)

type Result = { status: number; body: any }
async function api(method: string, path: string, body?: unknown, token?: string): Promise<Result> {
  const res = await fetch(API + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

function must(r: Result, what: string, ok: number[] = [200, 201]): any {
  if (!ok.includes(r.status)) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

function cli(...args: string[]) {
  const r = Bun.spawnSync(['bun', 'src/cli.ts', ...args], { cwd: ROOT, env: process.env, stdout: 'ignore', stderr: 'inherit' })
  if (r.exitCode !== 0) throw new Error(`bun run cli ${args.join(' ')} failed`)
}

/** Registers (or finds) a demo account, verifies its email, sets its role, signs in. */
async function account(email: string, display_name: string, role: 'admin' | 'instructor' | 'student') {
  must(await api('POST', '/auth/register', { email, password: PASSWORD, display_name }), `register ${email}`, [201, 409])
  cli('user:verify', email)
  if (role !== 'student') cli('user:role', email, role)
  const login = must(await api('POST', '/auth/login', { email, password: PASSWORD }), `login ${email}`)
  return { token: login.tokens.access_token as string, user: login.user as { id: string } }
}

type CourseSpec = { title: string; slug: string; price_cents: number; summary: string; description: string; tags: string[]; lessons: { title: string; content: string; duration_minutes: number; is_preview?: boolean }[]; quiz: Record<string, unknown> }

/** A published course whose last lesson has a quiz; left alone when its slug exists. */
async function course(instructor: string, spec: CourseSpec) {
  const existing = await api('GET', `/courses/${spec.slug}`)
  if (existing.status === 200) return existing.body
  const { lessons, quiz, ...fields } = spec
  const created = must(await api('POST', '/courses', { ...fields, level: 'beginner', currency: 'usd' }, instructor), `course ${spec.slug}`)
  let last: any
  for (const l of lessons) last = must(await api('POST', `/courses/${created.id}/lessons`, l, instructor), `lesson ${l.title}`)
  must(await api('PUT', `/lessons/${last.id}/quiz`, quiz, instructor), `quiz of ${spec.slug}`)
  return must(await api('POST', `/courses/${created.id}/publish`, undefined, instructor), `publish ${spec.slug}`)
}

const FREE_COURSE: CourseSpec = {
  title: 'Introduction to Lyceum', slug: 'intro-to-lyceum', price_cents: 0, tags: ['demo', 'getting-started'],
  summary: 'A short tour of the platform.', description: 'Lessons, a quiz and a certificate at the end.',
  lessons: [
    { title: 'Welcome', content: '# Welcome\nThis is the first lesson.', duration_minutes: 5, is_preview: true },
    { title: 'How quizzes work', content: 'Answer the quiz to finish the course.', duration_minutes: 10 },
  ],
  quiz: {
    title: 'Check your understanding', pass_percentage: 60, max_attempts: 3, grading_policy: 'highest',
    questions: [
      { type: 'multiple_choice', prompt: 'What does Lyceum issue when you finish a course?', points: 1, options: [{ text: 'A certificate', is_correct: true }, { text: 'A parking ticket', is_correct: false }] },
      { type: 'true_false', prompt: 'Lessons can have quizzes.', points: 1, answer: 'true' },
    ],
  },
}

const PAID_COURSE: CourseSpec = {
  title: 'Study Techniques That Work', slug: 'study-techniques', price_cents: 4900, tags: ['demo', 'study-skills'],
  summary: 'Spaced repetition, retrieval practice and interleaving.', description: 'A paid demo course: buy it, and the purchase enrolls you.',
  lessons: [
    { title: 'Spaced repetition', content: '# Spaced repetition\nReview just before you forget.', duration_minutes: 8, is_preview: true },
    { title: 'Retrieval practice', content: 'Test yourself instead of re-reading.', duration_minutes: 12 },
  ],
  quiz: {
    title: 'Techniques check', pass_percentage: 50, max_attempts: 3, grading_policy: 'highest',
    questions: [{ type: 'true_false', prompt: 'Re-reading beats self-testing.', points: 1, answer: 'false' }],
  },
}

async function products(admin: string) {
  const list = [
    { name: 'Lyceum Notebook', slug: 'lyceum-notebook', description: 'A paper notebook for study notes.', price_cents: 1200, currency: 'usd', kind: 'physical', stock: 25, category: 'stationery', tags: ['paper'] },
    { name: 'Study Planner (PDF)', slug: 'study-planner-pdf', description: 'A printable weekly study planner.', price_cents: 500, currency: 'usd', kind: 'digital', stock: null, category: 'downloads', tags: ['planner'] },
  ]
  for (const p of list) must(await api('POST', '/admin/products', p, admin), `product ${p.slug}`, [201, 409])
}

async function scenario(instructor: string) {
  const title = 'The unhappy customer'
  const list = must(await api('GET', '/scenarios?limit=100'), 'scenarios')
  const found = list.items.find((s: any) => s.title === title)
  if (found) return found
  return must(await api('POST', '/scenarios', {
    title, description: 'Calm a customer whose order arrived a week late, and keep them.',
    persona: { name: 'Morgan', role: 'Customer', personality: 'Impatient but fair', goals: ['Get a refund or a discount'] },
    objectives: ['Acknowledge the problem', 'Offer a concrete fix', 'Confirm the customer is satisfied'], difficulty: 'beginner', xp_reward: 50,
  }, instructor), 'scenario')
}

/** The direct conversation of the demo student and instructor; `client_id`s keep re-runs idempotent. */
async function conversation(student: { token: string }, instructor: { token: string; user: { id: string } }) {
  const conv = must(await api('POST', '/conversations', { type: 'direct', participant_ids: [instructor.user.id] }, student.token), 'conversation')
  const lines: [typeof student, string][] = [
    [student, 'Hi! I started Introduction to Lyceum. Is the quiz timed?'],
    [instructor, 'Hi Zoë, no time limit, and you have three attempts.'],
    [student, 'Great, thanks! I will try it tonight.'],
  ]
  for (const [i, [who, body]] of lines.entries()) must(await api('POST', `/conversations/${conv.id}/messages`, { body, client_id: `demo-seed-${i + 1}` }, who.token), 'message')
  return conv
}

const admin = await account('admin@lyceum.local', 'Ada Admin', 'admin')
const instructor = await account('instructor@lyceum.local', 'Ivan Instructor', 'instructor')
const student = await account('student@lyceum.local', 'Zoë Student', 'student')
await course(instructor.token, FREE_COURSE)
await course(instructor.token, PAID_COURSE)
await products(admin.token)
const sc = await scenario(instructor.token)
const conv = await conversation(student, instructor)
say(`accounts (verified; password "${PASSWORD}"): student@lyceum.local, instructor@lyceum.local, admin@lyceum.local`)
say('courses: intro-to-lyceum (free), study-techniques (paid, 49.00 usd); each ends with a quiz')
say('products: lyceum-notebook (physical), study-planner-pdf (digital); the paid course is also for sale')
say(`scenario: ${sc.id} (The unhappy customer); conversation of student and instructor: ${conv.id}`)
