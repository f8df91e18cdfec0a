-- SPEC §12: the worker writes at most one mentor insight per (user, lesson) and per (user, quiz)
-- per UTC day. A row claims the day's slot for one subject before the provider is called; it
-- names the cause (source) that holds it, so a re-run of that same job may proceed.
create table ai_insight_daily (
  user_id uuid not null references users(id) on delete cascade,
  -- 'lesson:<lesson id>' or 'quiz:<quiz id>'
  subject text not null,
  day date not null,
  kind text not null,
  source_id text not null,
  primary key (user_id, subject, day)
);
