import { t } from 'elysia'
import { Text } from '../shared/model'

export const QuestionType = t.Union([t.Literal('multiple_choice'), t.Literal('true_false'), t.Literal('short_answer'), t.Literal('essay')])
export const GradingPolicy = t.Union([t.Literal('highest'), t.Literal('last')])

export const QuestionInput = t.Object({
  type: QuestionType,
  prompt: Text({ minLength: 1, maxLength: 5000 }),
  points: t.Optional(t.Integer({ minimum: 0, maximum: 1000, default: 1 })),
  options: t.Optional(t.Array(t.Object({ text: Text({ minLength: 1, maxLength: 1000 }), is_correct: t.Optional(t.Boolean()) }), { maxItems: 20 })),
  answer: t.Optional(Text({ maxLength: 1000, description: 'true_false: "true"/"false"; short_answer: the expected text' })),
})
export type QuestionInput = typeof QuestionInput.static

export const PutQuiz = t.Object({
  title: Text({ minLength: 1, maxLength: 200 }),
  pass_percentage: t.Integer({ minimum: 0, maximum: 100 }),
  time_limit_seconds: t.Optional(t.Nullable(t.Integer({ minimum: 1, maximum: 86400 }))),
  max_attempts: t.Optional(t.Nullable(t.Integer({ minimum: 1, maximum: 1000 }))),
  grading_policy: t.Optional(GradingPolicy),
  shuffle: t.Optional(t.Boolean()),
  questions: t.Array(QuestionInput, { minItems: 1, maxItems: 200 }),
})
export type PutQuiz = typeof PutQuiz.static

export const QuestionView = t.Object({
  id: t.String({ format: 'uuid' }),
  type: QuestionType,
  prompt: t.String(),
  points: t.Integer(),
  options: t.Array(t.Object({ id: t.String({ format: 'uuid' }), text: t.String(), is_correct: t.Optional(t.Boolean({ description: 'owner only' })) })),
  answer: t.Optional(t.Nullable(t.String({ description: 'owner only' }))),
}, { title: 'QuizQuestion' })
export type QuestionView = typeof QuestionView.static

export const Quiz = t.Object({
  id: t.String({ format: 'uuid' }),
  lesson_id: t.String({ format: 'uuid' }),
  title: t.String(),
  pass_percentage: t.Integer(),
  time_limit_seconds: t.Nullable(t.Integer()),
  max_attempts: t.Nullable(t.Integer()),
  grading_policy: GradingPolicy,
  shuffle: t.Boolean(),
  questions: t.Array(QuestionView),
}, { title: 'Quiz' })
export type Quiz = typeof Quiz.static
