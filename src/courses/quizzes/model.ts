import { t } from 'elysia'
import { Text } from '../shared/model'

export const QuestionType = t.Union([t.Literal('multiple_choice'), t.Literal('true_false'), t.Literal('short_answer'), t.Literal('essay')])
export const GradingPolicy = t.Union([t.Literal('highest'), t.Literal('last')])

export const ShowCorrectAnswers = t.Union([t.Literal('never'), t.Literal('after_submit'), t.Literal('after_pass')], {
  description: 'When a learner sees the correct answers of their attempts: never (default), after submitting, or once they passed; never while one of their attempts is in progress',
})

export const QuestionInput = t.Object({
  id: t.Optional(t.String({ format: 'uuid', description: 'Keep this existing question (its id) through the edit; without it a question keeps its id when its prompt (or position and type) matches' })),
  type: QuestionType,
  prompt: Text({ minLength: 1, maxLength: 5000 }),
  points: t.Optional(t.Integer({ minimum: 0, maximum: 1000, default: 1 })),
  options: t.Optional(t.Array(t.Object({
    id: t.Optional(t.String({ format: 'uuid', description: 'Keep this existing option; without it an option keeps its id when its text matches' })),
    text: Text({ minLength: 1, maxLength: 1000 }),
    is_correct: t.Optional(t.Boolean()),
  }), { maxItems: 20 })),
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
  show_correct_answers: t.Optional(ShowCorrectAnswers),
  questions: t.Array(QuestionInput, { minItems: 1, maxItems: 200 }),
}, {
  examples: [{
    title: 'Check your understanding', pass_percentage: 60, max_attempts: 3, grading_policy: 'highest',
    questions: [
      { type: 'multiple_choice', prompt: 'What does Lyceum issue when you finish a course?', points: 1, options: [{ text: 'A certificate', is_correct: true }, { text: 'A parking ticket', is_correct: false }] },
      { type: 'true_false', prompt: 'Lessons can have quizzes.', points: 1, answer: 'true' },
    ],
  }],
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
  show_correct_answers: ShowCorrectAnswers,
  questions: t.Array(QuestionView),
}, {
  title: 'Quiz',
  examples: [{
    id: '6bd2c018-9f7e-4be0-9c8d-1e2f3a4b5c6d', lesson_id: '3eaf9d85-6c4b-4ebd-8f5a-8b9c0d1e2f3a', title: 'Check your understanding', pass_percentage: 60,
    time_limit_seconds: null, max_attempts: 3, grading_policy: 'highest', shuffle: false, show_correct_answers: 'after_submit',
    questions: [{ id: '7ce3d129-a08f-4cf1-8d9e-2f3a4b5c6d7e', type: 'true_false', prompt: 'Lessons can have quizzes.', points: 1, options: [] }],
  }],
})
export type Quiz = typeof Quiz.static
