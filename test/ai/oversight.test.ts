import { describe, expect, test } from 'bun:test'
import { call } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { enrolledStudent, makeCourse } from '../courses/fixtures'

const chat = (token: string, body: Record<string, unknown>) => call('POST', '/api/v1/ai/chat', { token, body })

describe('instructor oversight of mentor conversations', () => {
  test('the owner lists and reads conversations tied to the course; each read is audited; learners see visible_to_instructors', async () => {
    const { course, instructor } = await makeCourse({ lessons: 1, publish: true })
    const { student } = await enrolledStudent(course.id, { display_name: 'Ada Learner' })
    const tied = await chat(student.token, { message: 'Explain lesson 1 please', course_id: course.id })
    expect(tied.status).toBe(200)
    await chat(student.token, { message: 'And a follow-up', conversation_id: tied.body.conversation_id })
    const untied = await chat(student.token, { message: 'A private question' })
    const { course: other } = await makeCourse({ lessons: 1, publish: true })
    const elsewhere = await chat(student.token, { message: 'Other course', course_id: other.id })

    const mine = await call('GET', '/api/v1/ai/conversations', { token: student.token })
    const flag = (id: string) => mine.body.items.find((c: any) => c.id === id).visible_to_instructors
    expect(flag(tied.body.conversation_id)).toBe(true)
    expect(flag(untied.body.conversation_id)).toBe(false)
    expect(flag(elsewhere.body.conversation_id)).toBe(true)

    const list = await call('GET', `/api/v1/courses/${course.id}/ai-conversations`, { token: instructor.token })
    expect(list.status).toBe(200)
    expect(list.body.items.map((c: any) => c.id)).toEqual([tied.body.conversation_id])
    expect(list.body.items[0]).toMatchObject({ course_id: course.id, user: { id: student.id, display_name: 'Ada Learner' }, messages_count: 4 })
    expect(JSON.stringify(list.body)).not.toContain(student.email)
    const one = await call('GET', `/api/v1/courses/${course.id}/ai-conversations/${tied.body.conversation_id}`, { token: instructor.token })
    expect(one.status).toBe(200)
    expect(one.body.messages.map((m: any) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant'])
    expect(one.body.messages[0].content).toBe('Explain lesson 1 please')
    expect(one.body.visible_to_instructors).toBe(true)
    // conversations not tied to this course are not there
    for (const id of [untied.body.conversation_id, elsewhere.body.conversation_id, crypto.randomUUID()]) {
      expect((await call('GET', `/api/v1/courses/${course.id}/ai-conversations/${id}`, { token: instructor.token })).status).toBe(404)
    }
    const stranger = await newUser({ role: 'instructor' })
    expect((await call('GET', `/api/v1/courses/${course.id}/ai-conversations`, { token: stranger.token })).status).toBe(403)
    expect((await call('GET', `/api/v1/courses/${course.id}/ai-conversations/${tied.body.conversation_id}`, { token: student.token })).status).toBe(403)
    expect((await call('GET', `/api/v1/courses/${crypto.randomUUID()}/ai-conversations`, { token: instructor.token })).status).toBe(404)

    const admin = await newUser({ role: 'admin' })
    const audit = await call('GET', `/api/v1/admin/audit?kind=ai_transcript_read&limit=100`, { token: admin.token })
    expect(audit.status).toBe(200)
    const reads = audit.body.items.filter((e: any) => e.data.course_id === course.id)
    expect(reads).toHaveLength(2)
    expect(reads[0]).toMatchObject({ kind: 'ai_transcript_read', actor: { id: instructor.id }, subject_type: 'ai_conversation', subject_id: tied.body.conversation_id })
    expect(reads[1]).toMatchObject({ kind: 'ai_transcript_read', actor: { id: instructor.id }, subject_type: 'course', subject_id: course.id })
    expect(reads[1].data.conversation_ids).toEqual([tied.body.conversation_id])
    expect((await call('GET', '/api/v1/admin/audit?kind=ai_transcript_read', { token: instructor.token })).status).toBe(403)
    const page = await call('GET', '/api/v1/admin/audit?kind=ai_transcript_read&limit=1', { token: admin.token })
    expect(page.body.items).toHaveLength(1)
    const next = await call('GET', `/api/v1/admin/audit?kind=ai_transcript_read&limit=1&cursor=${page.body.next_cursor}`, { token: admin.token })
    expect(next.body.items[0].id).not.toBe(page.body.items[0].id)
  })
})
