import { t } from 'elysia'
import { Text } from '../shared/model'
import { GradingPolicy, QuestionType } from '../quizzes/model'

const DateTime = t.String({ format: 'date-time' })
export const AttemptStatus = t.Union([t.Literal('in_progress'), t.Literal('submitted'), t.Literal('expired'), t.Literal('needs_review')])

export const Answer = t.Object({
  question_id: t.String({ format: 'uuid' }),
  option_id: t.Optional(t.String({ format: 'uuid' })),
  text: t.Optional(Text({ maxLength: 20000, description: 'true/false: "true" or "false"; short answer and essay: the text' })),
}, { title: 'Answer' })
export const Answers = t.Object({ answers: t.Array(Answer, { maxItems: 500 }) }, { examples: [{ answers: [{ question_id: '7ce3d129-a08f-4cf1-8d9e-2f3a4b5c6d7e', text: 'true' }] }] })

export const QuestionResult = t.Object({
  question_id: t.String(), correct: t.Boolean(), points: t.Number(), needs_review: t.Boolean(),
  correct_option_id: t.Optional(t.String({ format: 'uuid', description: 'Multiple choice: the correct option, when the quiz releases answers (show_correct_answers)' })),
  correct_answer: t.Optional(t.String({ description: 'True/false and short answer: the expected answer, when the quiz releases answers' })),
}, { title: 'QuestionResult', examples: [{ question_id: '7ce3d129-a08f-4cf1-8d9e-2f3a4b5c6d7e', correct: true, points: 1, needs_review: false }] })

const ATTEMPT_EXAMPLE = {
  id: '8df4e23a-b19a-4d02-9eaf-3a4b5c6d7e8f', quiz_id: '6bd2c018-9f7e-4be0-9c8d-1e2f3a4b5c6d', attempt_number: 1, status: 'in_progress',
  started_at: '2026-01-15T10:10:00.000Z', expires_at: null, submitted_at: null, score: null, max_score: null, percentage: null, passed: null,
  questions: [{ id: '7ce3d129-a08f-4cf1-8d9e-2f3a4b5c6d7e', type: 'true_false', prompt: 'Lessons can have quizzes.', points: 1, options: [] }],
  answers: [{ question_id: '7ce3d129-a08f-4cf1-8d9e-2f3a4b5c6d7e', text: 'true' }], results: null,
}

export const Attempt = t.Object({
  id: t.String({ format: 'uuid' }),
  quiz_id: t.String({ format: 'uuid' }),
  attempt_number: t.Integer(),
  status: AttemptStatus,
  started_at: DateTime,
  expires_at: t.Nullable(DateTime),
  submitted_at: t.Nullable(DateTime),
  score: t.Nullable(t.Number()),
  max_score: t.Nullable(t.Number()),
  percentage: t.Nullable(t.Number()),
  passed: t.Nullable(t.Boolean()),
  questions: t.Array(t.Object({
    id: t.String({ format: 'uuid' }), type: QuestionType, prompt: t.String(), points: t.Integer(),
    options: t.Array(t.Object({ id: t.String({ format: 'uuid' }), text: t.String() })),
  }), { description: 'The questions this attempt was given, in order, without answers' }),
  answers: t.Array(Answer, { description: 'Saved (autosaved or submitted) answers' }),
  results: t.Nullable(t.Array(QuestionResult)),
}, { title: 'QuizAttempt', examples: [ATTEMPT_EXAMPLE] })
export type Attempt = typeof Attempt.static

export const AttemptList = t.Object({
  items: t.Array(Attempt),
  next_cursor: t.Nullable(t.String()),
  grading_policy: GradingPolicy,
  grade: t.Nullable(t.Object({ attempt_id: t.String(), percentage: t.Number(), passed: t.Boolean() }, { description: 'The attempt that counts under the grading policy' })),
}, { title: 'QuizAttemptList', examples: [{ items: [ATTEMPT_EXAMPLE], next_cursor: null, grading_policy: 'highest', grade: null }] })

export const SubmitResult = t.Object({
  attempt_id: t.String({ format: 'uuid' }),
  status: AttemptStatus,
  score: t.Number(),
  max_score: t.Number(),
  percentage: t.Number(),
  passed: t.Boolean(),
  results: t.Array(QuestionResult),
}, { title: 'QuizResult', examples: [{ attempt_id: '8df4e23a-b19a-4d02-9eaf-3a4b5c6d7e8f', status: 'submitted', score: 1, max_score: 1, percentage: 100, passed: true, results: [{ question_id: '7ce3d129-a08f-4cf1-8d9e-2f3a4b5c6d7e', correct: true, points: 1, needs_review: false }] }] })
export type SubmitResult = typeof SubmitResult.static

export const Review = t.Object({ question_id: t.String({ format: 'uuid' }), points: t.Number({ minimum: 0 }) }, { examples: [{ question_id: '7ce3d129-a08f-4cf1-8d9e-2f3a4b5c6d7e', points: 4 }] })
