-- Quizzes: one per lesson, its questions, and attempts. An attempt stores the questions it
-- was given (with answers) so editing the quiz never changes an attempt already started.
-- Max attempts hold under concurrency through unique (quiz, user, attempt_number) and at
-- most one in-progress attempt per learner and quiz.
create table quizzes (
  id uuid primary key default gen_random_uuid(),
  lesson_id uuid not null unique references lessons(id) on delete cascade,
  title text not null,
  pass_percentage integer not null check (pass_percentage between 0 and 100),
  time_limit_seconds integer check (time_limit_seconds > 0),
  max_attempts integer check (max_attempts > 0),
  grading_policy text not null default 'highest' check (grading_policy in ('highest', 'last')),
  shuffle boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table quiz_questions (
  id uuid primary key default gen_random_uuid(),
  quiz_id uuid not null references quizzes(id) on delete cascade,
  position integer not null,
  type text not null check (type in ('multiple_choice', 'true_false', 'short_answer', 'essay')),
  prompt text not null,
  points integer not null check (points >= 0),
  options jsonb not null default '[]', -- [{id, text, is_correct}]
  answer text
);
create index quiz_questions_quiz_idx on quiz_questions (quiz_id, position);

create table quiz_attempts (
  id uuid primary key default gen_random_uuid(),
  quiz_id uuid not null references quizzes(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  attempt_number integer not null check (attempt_number >= 1),
  status text not null default 'in_progress' check (status in ('in_progress', 'submitted', 'expired', 'needs_review')),
  questions jsonb not null, -- snapshot with answers, in the order served
  answers jsonb not null default '[]',
  results jsonb,
  pass_percentage integer not null,
  started_at timestamptz not null default now(),
  expires_at timestamptz,
  submitted_at timestamptz,
  score double precision,
  max_score double precision,
  percentage double precision,
  passed boolean,
  constraint quiz_attempts_number_key unique (quiz_id, user_id, attempt_number)
);
create unique index quiz_attempts_one_open_idx on quiz_attempts (quiz_id, user_id) where status = 'in_progress';
create index quiz_attempts_user_idx on quiz_attempts (user_id, started_at desc);
