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
export const Answers = t.Object({ answers: t.Array(Answer, { maxItems: 500 }) })

export const QuestionResult = t.Object({ question_id: t.String(), correct: t.Boolean(), points: t.Number(), needs_review: t.Boolean() }, { title: 'QuestionResult' })

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
}, { title: 'QuizAttempt' })
export type Attempt = typeof Attempt.static

export const AttemptList = t.Object({
  items: t.Array(Attempt),
  next_cursor: t.Nullable(t.String()),
  grading_policy: GradingPolicy,
  grade: t.Nullable(t.Object({ attempt_id: t.String(), percentage: t.Number(), passed: t.Boolean() }, { description: 'The attempt that counts under the grading policy' })),
}, { title: 'QuizAttemptList' })

export const SubmitResult = t.Object({
  attempt_id: t.String({ format: 'uuid' }),
  status: AttemptStatus,
  score: t.Number(),
  max_score: t.Number(),
  percentage: t.Number(),
  passed: t.Boolean(),
  results: t.Array(QuestionResult),
}, { title: 'QuizResult' })
export type SubmitResult = typeof SubmitResult.static

export const Review = t.Object({ question_id: t.String({ format: 'uuid' }), points: t.Number({ minimum: 0 }) })
