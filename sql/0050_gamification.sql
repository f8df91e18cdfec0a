-- Gamification: XP events (one per user, source and source id, so nothing is awarded twice),
-- unlocked achievements. Totals, levels, streaks and leaderboards are derived from these rows.
create table xp_events (
  id bigserial primary key,
  user_id uuid not null references users(id) on delete cascade,
  source text not null check (source in ('lesson', 'quiz', 'course', 'scenario')),
  source_id text not null,
  requested_xp integer not null check (requested_xp >= 0),
  -- what was actually credited after the daily cap (the excess is dropped)
  xp integer not null check (xp >= 0),
  day date not null default (now() at time zone 'utc')::date,
  created_at timestamptz not null default now(),
  constraint xp_events_once unique (user_id, source, source_id)
);
create index xp_events_user_day_idx on xp_events (user_id, day);
create index xp_events_day_idx on xp_events (day) where xp > 0;

create table user_achievements (
  user_id uuid not null references users(id) on delete cascade,
  key text not null,
  unlocked_at timestamptz not null default now(),
  primary key (user_id, key)
);
