-- Teaching depth (SPEC §14): answer release and sequential courses as settings; per-learner
-- accommodations; regrade runs (audit) and what a regrade needs to undo a completion
-- (which quiz completed a lesson, why a certificate was revoked, a narrow escape from the
-- never-downgrade rule); counters that keep course analytics fast at scale; and a
-- platform audit log of sensitive reads.
alter table quizzes add column show_correct_answers text not null default 'never'
  check (show_correct_answers in ('never', 'after_submit', 'after_pass'));
alter table courses add column sequential boolean not null default false;

create table quiz_accommodations (
  quiz_id uuid not null references quizzes(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  extra_attempts integer not null default 0 check (extra_attempts between 0 and 20),
  extra_time_seconds integer not null default 0 check (extra_time_seconds between 0 and 86400),
  updated_by uuid references users(id) on delete set null,
  updated_at timestamptz not null default now(),
  primary key (quiz_id, user_id)
);

create table quiz_regrades (
  id uuid primary key default gen_random_uuid(),
  quiz_id uuid not null references quizzes(id) on delete cascade,
  by_user_id uuid references users(id) on delete set null,
  question_ids uuid[], -- null: every question
  attempts_affected integer not null default 0,
  created_at timestamptz not null default date_trunc('milliseconds', now())
);
create index quiz_regrades_quiz_idx on quiz_regrades (quiz_id, created_at desc);

-- The quiz whose pass completed the lesson: a regrade that turns that pass into a fail
-- un-completes only such lessons.
alter table lesson_progress add column completed_by_quiz_id uuid;
update lesson_progress lp set completed_by_quiz_id = q.id
from quizzes q
where q.lesson_id = lp.lesson_id and lp.status = 'completed'
  and exists (select 1 from quiz_attempts a where a.quiz_id = q.id and a.user_id = lp.user_id and a.passed);

-- 'regrade' when a regrade revoked it: completing the course again reinstates it.
alter table certificates add column revoked_reason text;

-- Progress never goes down, except inside a transaction that sets
-- lyceum.allow_progress_downgrade (only a regrade's un-completion does).
create or replace function lesson_progress_monotonic() returns trigger language plpgsql as $$
begin
  if current_setting('lyceum.allow_progress_downgrade', true) = 'on' then
    return new;
  end if;
  if lesson_status_rank(new.status) < lesson_status_rank(old.status) then
    new.status := old.status;
  end if;
  new.progress_percent := greatest(new.progress_percent, old.progress_percent);
  if old.completed_at is not null then new.completed_at := old.completed_at; end if;
  if new.status = 'completed' then
    new.progress_percent := 100;
    new.completed_at := coalesce(new.completed_at, now());
  end if;
  return new;
end $$;

-- Analytics: when a learner first did anything in the course (the funnel's "started"), and
-- per-course funnel counters kept by statement-level triggers on enrollments (a scan of a
-- course's 100,000 enrollments is too slow for the analytics call; a bulk update of a
-- course's enrollments adds its deltas in one upsert).
alter table enrollments add column started_at timestamptz;
update enrollments e set started_at = s.first
from (select user_id, course_id, min(updated_at) as first from lesson_progress group by 1, 2) s
where s.user_id = e.user_id and s.course_id = e.course_id;

create table course_stats (
  course_id uuid primary key references courses(id) on delete cascade,
  enrolled bigint not null default 0,  -- live: active or completed
  started bigint not null default 0,   -- live with started_at
  completed bigint not null default 0
);
insert into course_stats (course_id, enrolled, started, completed)
select course_id, count(*) filter (where status <> 'revoked'), count(*) filter (where status <> 'revoked' and started_at is not null),
  count(*) filter (where status = 'completed')
from enrollments group by course_id;

create function enrollments_stats_insert() returns trigger language plpgsql as $$
begin
  insert into course_stats as s (course_id, enrolled, started, completed)
  select course_id, count(*) filter (where status <> 'revoked'), count(*) filter (where status <> 'revoked' and started_at is not null),
    count(*) filter (where status = 'completed')
  from new_rows group by course_id order by course_id
  on conflict (course_id) do update set enrolled = s.enrolled + excluded.enrolled, started = s.started + excluded.started, completed = s.completed + excluded.completed;
  return null;
end $$;
create function enrollments_stats_update() returns trigger language plpgsql as $$
begin
  insert into course_stats as s (course_id, enrolled, started, completed)
  select course_id, sum(e), sum(st), sum(c) from (
    select course_id, (status <> 'revoked')::int as e, (status <> 'revoked' and started_at is not null)::int as st, (status = 'completed')::int as c from new_rows
    union all
    select course_id, -(status <> 'revoked')::int, -(status <> 'revoked' and started_at is not null)::int, -(status = 'completed')::int from old_rows
  ) d group by course_id having sum(e) <> 0 or sum(st) <> 0 or sum(c) <> 0 order by course_id
  on conflict (course_id) do update set enrolled = s.enrolled + excluded.enrolled, started = s.started + excluded.started, completed = s.completed + excluded.completed;
  return null;
end $$;
create function enrollments_stats_delete() returns trigger language plpgsql as $$
begin
  -- rows removed with their course (cascade) have no counters left to adjust
  update course_stats s set enrolled = s.enrolled - d.e, started = s.started - d.st, completed = s.completed - d.c
  from (
    select course_id, count(*) filter (where status <> 'revoked') as e, count(*) filter (where status <> 'revoked' and started_at is not null) as st,
      count(*) filter (where status = 'completed') as c
    from old_rows group by course_id
  ) d where s.course_id = d.course_id;
  return null;
end $$;
create trigger enrollments_stats_insert after insert on enrollments referencing new table as new_rows
  for each statement execute function enrollments_stats_insert();
create trigger enrollments_stats_update after update on enrollments referencing old table as old_rows new table as new_rows
  for each statement execute function enrollments_stats_update();
create trigger enrollments_stats_delete after delete on enrollments referencing old table as old_rows
  for each statement execute function enrollments_stats_delete();

-- Per-lesson started/completed counters, kept by a trigger on lesson_progress.
create table lesson_stats (
  lesson_id uuid primary key references lessons(id) on delete cascade,
  started bigint not null default 0,
  completed bigint not null default 0
);
insert into lesson_stats (lesson_id, started, completed)
select lesson_id, count(*), count(*) filter (where status = 'completed') from lesson_progress group by lesson_id;

create function lesson_progress_stats() returns trigger language plpgsql as $$
declare
  d_started int := 0;
  d_completed int := 0;
begin
  if tg_op = 'INSERT' then
    d_started := 1;
    d_completed := (new.status = 'completed')::int;
  elsif tg_op = 'UPDATE' then
    d_completed := (new.status = 'completed')::int - (old.status = 'completed')::int;
  else
    d_started := -1;
    d_completed := -(old.status = 'completed')::int;
  end if;
  if d_started = 0 and d_completed = 0 then return null; end if;
  if tg_op = 'DELETE' and not exists (select 1 from lessons where id = old.lesson_id) then return null; end if;
  insert into lesson_stats as s (lesson_id, started, completed)
  values (coalesce(new.lesson_id, old.lesson_id), d_started, d_completed)
  on conflict (lesson_id) do update set started = s.started + excluded.started, completed = s.completed + excluded.completed;
  -- after lesson_stats: every writer takes lesson_stats before course_stats (no deadlock)
  if tg_op = 'INSERT' then
    update enrollments set started_at = new.updated_at
      where user_id = new.user_id and course_id = new.course_id and started_at is null;
  end if;
  return null;
end $$;
create trigger lesson_progress_stats after insert or update of status or delete on lesson_progress
  for each row execute function lesson_progress_stats();

-- Per-question answer counters (graded answers, correct ones, points), kept by a trigger
-- on quiz_attempts.results: submit, expiry, essay review and regrade all go through it.
-- Deltas are applied in question-id order so concurrent graders cannot deadlock.
create table quiz_question_stats (
  quiz_id uuid not null references quizzes(id) on delete cascade,
  question_id uuid not null,
  attempts bigint not null default 0,
  correct bigint not null default 0,
  points double precision not null default 0,
  primary key (quiz_id, question_id)
);
insert into quiz_question_stats (quiz_id, question_id, attempts, correct, points)
select a.quiz_id, r.question_id, count(*), count(*) filter (where r.correct), coalesce(sum(r.points), 0)
from quiz_attempts a, jsonb_to_recordset(a.results) as r(question_id uuid, correct boolean, points double precision)
where a.results is not null group by 1, 2;

create function quiz_attempt_stats() returns trigger language plpgsql as $$
declare
  new_results jsonb;
  old_results jsonb;
  quiz uuid;
begin
  if tg_op <> 'DELETE' then new_results := new.results; quiz := new.quiz_id; end if;
  if tg_op <> 'INSERT' then old_results := old.results; quiz := old.quiz_id; end if;
  if new_results is not distinct from old_results then return null; end if;
  if tg_op = 'DELETE' and not exists (select 1 from quizzes where id = quiz) then return null; end if;
  insert into quiz_question_stats as s (quiz_id, question_id, attempts, correct, points)
  select quiz, d.question_id, sum(d.n), sum(d.c), sum(d.p) from (
    select r.question_id, 1 as n, r.correct::int as c, coalesce(r.points, 0) as p
      from jsonb_to_recordset(coalesce(new_results, '[]')) as r(question_id uuid, correct boolean, points double precision)
    union all
    select r.question_id, -1, -(r.correct::int), -coalesce(r.points, 0)
      from jsonb_to_recordset(coalesce(old_results, '[]')) as r(question_id uuid, correct boolean, points double precision)
  ) d group by d.question_id order by d.question_id
  on conflict (quiz_id, question_id) do update set
    attempts = s.attempts + excluded.attempts, correct = s.correct + excluded.correct, points = s.points + excluded.points;
  return null;
end $$;
create trigger quiz_attempt_stats after insert or update of results or delete on quiz_attempts
  for each row execute function quiz_attempt_stats();

-- A quiz's attempts of one learner (regrade and the per-learner policy read them together).
create index quiz_attempts_quiz_user_idx on quiz_attempts (quiz_id, user_id, attempt_number);

-- Sensitive reads (e.g. an instructor reading a learner's AI transcript), for admins.
create table audit_events (
  id uuid primary key default gen_random_uuid(),
  kind text not null,
  actor_id uuid references users(id) on delete set null,
  subject_type text not null,
  subject_id uuid,
  data jsonb not null default '{}',
  created_at timestamptz not null default date_trunc('milliseconds', now())
);
create index audit_events_kind_idx on audit_events (kind, created_at desc, id desc);
create index audit_events_created_idx on audit_events (created_at desc, id desc);

-- Instructors read the mentor conversations tied to their course.
create index ai_conversations_course_idx on ai_conversations (course_id, updated_at desc, id desc) where course_id is not null;
