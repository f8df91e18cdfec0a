import { t } from 'elysia'

export const CourseAnalytics = t.Object({
  enrolled: t.Integer({ description: 'Live enrollments (active or completed)' }),
  started: t.Integer({ description: 'Live enrollments with any lesson activity' }),
  completed: t.Integer({ description: 'Completed enrollments' }),
  lessons: t.Array(t.Object({
    lesson_id: t.String({ format: 'uuid' }),
    title: t.String(),
    started: t.Integer({ description: 'Learners with any activity on the lesson' }),
    completed: t.Integer({ description: 'Learners who completed the lesson' }),
  }), { description: 'In course order' }),
  questions: t.Array(t.Object({
    quiz_id: t.String({ format: 'uuid' }),
    question_id: t.String({ format: 'uuid' }),
    prompt: t.String(),
    attempts: t.Integer({ description: 'Graded answers to this question (one per graded attempt)' }),
    correct_rate: t.Nullable(t.Number({ minimum: 0, maximum: 1, description: 'Share of those answers that were correct (null without attempts)' })),
    average_points: t.Nullable(t.Number({ description: 'Mean points scored (null without attempts)' })),
  }), { description: "Current questions of the course's quizzes, in course and quiz order" }),
}, { title: 'CourseAnalytics' })
export type CourseAnalytics = typeof CourseAnalytics.static
