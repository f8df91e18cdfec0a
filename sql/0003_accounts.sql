-- Accounts: users and their login sessions. Refresh tokens are stored only as hashes; a
-- session keeps every token it has rotated through so that reuse can be detected.
create table users (
  id uuid primary key default gen_random_uuid(),
  email citext not null unique,
  password_hash text,
  display_name text not null,
  role text not null default 'student' check (role in ('student', 'instructor', 'admin')),
  status text not null default 'active' check (status in ('active', 'suspended')),
  locale text not null default 'en',
  email_verified_at timestamptz,
  avatar_file_id uuid,
  mfa_email_enabled boolean not null default false,
  totp_secret text,
  totp_enabled_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users(id) on delete cascade,
  device text,
  ip text,
  created_at timestamptz not null default now(),
  last_used_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index sessions_user_idx on sessions (user_id) where revoked_at is null;

create table refresh_tokens (
  token_hash text primary key,
  session_id uuid not null references sessions(id) on delete cascade,
  created_at timestamptz not null default now(),
  rotated_at timestamptz
);
create index refresh_tokens_session_idx on refresh_tokens (session_id);
