/**
 * Demo data for `bun run dev`, loaded through the public API (so it exercises the real
 * code paths) and safe to run again: an admin, an instructor, a student, a published
 * course with a quiz, and a few products.
 */
const API = `${process.env.API_URL ?? 'http://127.0.0.1:3000'}/api/v1`
const PASSWORD = 'lyceum-demo-password'
const say = (m: string) => console.log(`[seed] ${m}`)

async function api(method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(API + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

async function account(email: string, display_name: string, role: 'admin' | 'instructor' | 'student') {
  const reg = await api('POST', '/auth/register', { email, password: PASSWORD, display_name })
  if (reg.status !== 201 && reg.status !== 409) throw new Error(`register ${email}: ${reg.status} ${JSON.stringify(reg.body)}`)
  if (role !== 'student') {
    const cli = Bun.spawnSync(['bun', 'src/cli.ts', 'user:role', email, role], { cwd: `${import.meta.dir}/..`, env: process.env, stdout: 'ignore', stderr: 'inherit' })
    if (cli.exitCode !== 0) throw new Error(`could not make ${email} ${role}`)
  }
  const login = await api('POST', '/auth/login', { email, password: PASSWORD })
  if (login.status !== 200 || !login.body.tokens) throw new Error(`login ${email}: ${login.status}`)
  return login.body.tokens.access_token as string
}

async function seedCourse(instructor: string) {
  const existing = await api('GET', '/courses/intro-to-lyceum')
  if (existing.status === 200) return say('demo course already present')
  const course = await api('POST', '/courses', {
    title: 'Introduction to Lyceum', slug: 'intro-to-lyceum', level: 'beginner', tags: ['demo', 'getting-started'],
    summary: 'A short tour of the platform.', description: 'Lessons, a quiz and a certificate at the end.',
  }, instructor)
  if (course.status !== 201) throw new Error(`course: ${course.status} ${JSON.stringify(course.body)}`)
  const id = course.body.id
  const l1 = await api('POST', `/courses/${id}/lessons`, { title: 'Welcome', content: '# Welcome\nThis is the first lesson.', duration_minutes: 5, is_preview: true }, instructor)
  const l2 = await api('POST', `/courses/${id}/lessons`, { title: 'How quizzes work', content: 'Answer the quiz to finish the course.', duration_minutes: 10 }, instructor)
  if (l1.status !== 201 || l2.status !== 201) throw new Error('lessons could not be created')
  const quiz = await api('PUT', `/lessons/${l2.body.id}/quiz`, {
    title: 'Check your understanding', pass_percentage: 60, max_attempts: 3, grading_policy: 'highest',
    questions: [
      { type: 'multiple_choice', prompt: 'What does Lyceum issue when you finish a course?', points: 1, options: [{ text: 'A certificate', is_correct: true }, { text: 'A parking ticket', is_correct: false }] },
      { type: 'true_false', prompt: 'Lessons can have quizzes.', points: 1, answer: 'true' },
    ],
  }, instructor)
  if (quiz.status !== 200 && quiz.status !== 201) throw new Error(`quiz: ${quiz.status} ${JSON.stringify(quiz.body)}`)
  const pub = await api('POST', `/courses/${id}/publish`, undefined, instructor)
  if (pub.status !== 200) throw new Error(`publish: ${pub.status}`)
  say('demo course published: /courses/intro-to-lyceum')
}

async function seedProducts(admin: string) {
  const products = [
    { name: 'Lyceum Notebook', slug: 'lyceum-notebook', description: 'A paper notebook for study notes.', price_cents: 1200, currency: 'usd', kind: 'physical', stock: 25, category: 'stationery', tags: ['paper'] },
    { name: 'Study Planner (PDF)', slug: 'study-planner-pdf', description: 'A printable weekly study planner.', price_cents: 500, currency: 'usd', kind: 'digital', stock: null, category: 'downloads', tags: ['planner'] },
  ]
  for (const p of products) {
    const r = await api('POST', '/admin/products', p, admin)
    if (r.status !== 201 && r.status !== 409) throw new Error(`product ${p.slug}: ${r.status} ${JSON.stringify(r.body)}`)
  }
  say('demo products present')
}

const admin = await account('admin@lyceum.local', 'Ada Admin', 'admin')
const instructor = await account('instructor@lyceum.local', 'Ivan Instructor', 'instructor')
await account('student@lyceum.local', 'Zoë Student', 'student')
await seedCourse(instructor)
await seedProducts(admin)
say(`accounts (password "${PASSWORD}"): admin@lyceum.local, instructor@lyceum.local, student@lyceum.local`)
