-- AI mentor: conversations and their messages, per-learner daily usage (quota + tokens),
-- insights written by the worker, and role-play scenarios with their sessions.
-- course ids are kept without a foreign key: a conversation outlives a deleted course.
-- Timestamps used by list cursors are kept at millisecond precision (what a cursor carries).
create table ai_conversations (
  id uuid primary key,
  user_id uuid not null references users(id) on delete cascade,
  course_id uuid,
  title text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default date_trunc('milliseconds', now())
);
create index ai_conversations_user_idx on ai_conversations (user_id, updated_at desc, id desc);

create table ai_messages (
  id uuid primary key default gen_random_uuid(),
  -- insertion order (a user message and its reply can share a timestamp)
  n bigserial not null unique,
  conversation_id uuid not null references ai_conversations(id) on delete cascade,
  role text not null check (role in ('user', 'assistant')),
  content text not null,
  status text not null default 'complete' check (status in ('complete', 'interrupted')),
  provider text,
  prompt_tokens integer not null default 0,
  completion_tokens integer not null default 0,
  created_at timestamptz not null default now()
);
create index ai_messages_conversation_idx on ai_messages (conversation_id, n);

create table ai_usage (
  user_id uuid not null references users(id) on delete cascade,
  day date not null,
  messages integer not null default 0,
  prompt_tokens bigint not null default 0,
  completion_tokens bigint not null default 0,
  primary key (user_id, day)
);

create table ai_insights (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users(id) on delete cascade,
  kind text not null,
  text text not null,
  lesson_id uuid,
  course_id uuid,
  -- the event that caused it (lesson id or quiz attempt id): one insight per cause
  source_id text not null,
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  constraint ai_insights_once unique (user_id, kind, source_id)
);
create index ai_insights_user_idx on ai_insights (user_id, created_at desc, id desc);

create table scenarios (
  id uuid primary key default gen_random_uuid(),
  author_id uuid not null references users(id),
  title text not null,
  description text not null,
  persona jsonb not null,
  objectives jsonb not null,
  difficulty text not null check (difficulty in ('beginner', 'intermediate', 'advanced')),
  xp_reward integer not null check (xp_reward between 0 and 500),
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  updated_at timestamptz not null default now()
);
create index scenarios_created_idx on scenarios (created_at desc, id desc);

create table scenario_sessions (
  id uuid primary key default gen_random_uuid(),
  scenario_id uuid not null references scenarios(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  status text not null default 'active' check (status in ('active', 'resolved')),
  result jsonb,
  created_at timestamptz not null default now(),
  resolved_at timestamptz
);
create index scenario_sessions_user_idx on scenario_sessions (user_id, created_at desc);

create table scenario_messages (
  id uuid primary key default gen_random_uuid(),
  n bigserial not null unique,
  session_id uuid not null references scenario_sessions(id) on delete cascade,
  role text not null check (role in ('persona', 'learner')),
  body text not null,
  created_at timestamptz not null default now()
);
create index scenario_messages_session_idx on scenario_messages (session_id, n);
