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
}, {
  title: 'CourseAnalytics',
  examples: [{
    enrolled: 120, started: 95, completed: 40,
    lessons: [{ lesson_id: '3eaf9d85-6c4b-4ebd-8f5a-8b9c0d1e2f3a', title: 'How quizzes work', started: 95, completed: 70 }],
    questions: [{ quiz_id: '6bd2c018-9f7e-4be0-9c8d-1e2f3a4b5c6d', question_id: '7ce3d129-a08f-4cf1-8d9e-2f3a4b5c6d7e', prompt: 'Lessons can have quizzes.', attempts: 150, correct_rate: 0.82, average_points: 0.82 }],
  }],
})
export type CourseAnalytics = typeof CourseAnalytics.static
