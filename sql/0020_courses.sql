-- Courses: the catalog (courses, ordered lessons), enrollments and per-lesson progress.
-- Progress is monotonic by construction: a trigger refuses to lower a lesson's status or
-- percent, so no code path (or concurrent update) can downgrade it.
create table courses (
  id uuid primary key default gen_random_uuid(),
  instructor_id uuid not null references users(id) on delete restrict,
  slug citext not null,
  title text not null,
  summary text,
  description text,
  status text not null default 'draft' check (status in ('draft', 'published', 'archived')),
  price_cents integer not null default 0 check (price_cents >= 0),
  currency text not null default 'usd' check (currency ~ '^[a-z]{3}$'),
  level text check (level in ('beginner', 'intermediate', 'advanced')),
  tags text[] not null default '{}',
  cover_file_id uuid references files(id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  published_at timestamptz,
  archived_at timestamptz,
  constraint courses_slug_key unique (slug)
);
create index courses_catalog_idx on courses (published_at desc, id desc) where status = 'published';
create index courses_instructor_idx on courses (instructor_id);
create index courses_tags_idx on courses using gin (tags);
create index courses_title_trgm_idx on courses using gin (title gin_trgm_ops);

create table lessons (
  id uuid primary key default gen_random_uuid(),
  course_id uuid not null references courses(id) on delete cascade,
  title text not null,
  content text not null default '',
  position integer not null check (position >= 1),
  duration_minutes integer check (duration_minutes >= 0),
  video_url text,
  is_preview boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- deferred so that a reorder can permute positions inside one statement/transaction
  constraint lessons_position_key unique (course_id, position) deferrable initially deferred
);

create table enrollments (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users(id) on delete cascade,
  course_id uuid not null references courses(id) on delete cascade,
  status text not null default 'active' check (status in ('active', 'completed', 'revoked')),
  progress_percentage integer not null default 0 check (progress_percentage between 0 and 100),
  completed_lessons_count integer not null default 0,
  total_lessons integer not null default 0,
  enrolled_at timestamptz not null default date_trunc('milliseconds', now()), -- ms: cursors carry ISO strings
  completed_at timestamptz,
  certificate_issued_at timestamptz,
  revoked_at timestamptz,
  updated_at timestamptz not null default now(),
  constraint enrollments_user_course_key unique (user_id, course_id)
);
create index enrollments_course_idx on enrollments (course_id, enrolled_at desc);
create index enrollments_user_idx on enrollments (user_id, enrolled_at desc);
create index enrollments_completed_idx on enrollments (completed_at) where completed_at is not null;

create table lesson_progress (
  user_id uuid not null references users(id) on delete cascade,
  lesson_id uuid not null references lessons(id) on delete cascade,
  course_id uuid not null references courses(id) on delete cascade,
  status text not null default 'not_started' check (status in ('not_started', 'in_progress', 'completed')),
  progress_percent double precision not null default 0 check (progress_percent between 0 and 100),
  position_seconds integer,
  completed_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (user_id, lesson_id)
);
create index lesson_progress_course_idx on lesson_progress (user_id, course_id);

create function lesson_status_rank(s text) returns int language sql immutable as $$
  select case s when 'not_started' then 0 when 'in_progress' then 1 when 'completed' then 2 end
$$;

-- Never downgrade: keep the higher status, the higher percent and the first completion time.
create function lesson_progress_monotonic() returns trigger language plpgsql as $$
begin
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
create trigger lesson_progress_monotonic before update on lesson_progress
  for each row execute function lesson_progress_monotonic();
