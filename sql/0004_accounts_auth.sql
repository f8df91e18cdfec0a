-- Accounts: single-use email tokens (verification, password reset), TOTP recovery codes and
-- OAuth identities. Every secret is stored only as a SHA-256 hash.
create table email_tokens (
  token_hash text primary key,
  user_id uuid not null references users(id) on delete cascade,
  purpose text not null check (purpose in ('verify_email', 'password_reset')),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index email_tokens_user_idx on email_tokens (user_id, purpose) where used_at is null;

create table recovery_codes (
  user_id uuid not null references users(id) on delete cascade,
  code_hash text not null,
  created_at timestamptz not null default now(),
  used_at timestamptz,
  primary key (user_id, code_hash)
);

create table oauth_identities (
  provider text not null check (provider in ('google', 'microsoft')),
  subject text not null,
  user_id uuid not null references users(id) on delete cascade,
  email citext,
  created_at timestamptz not null default now(),
  primary key (provider, subject)
);
create index oauth_identities_user_idx on oauth_identities (user_id);

-- Admin search (email or name) and the newest-first listing.
create index users_created_idx on users (created_at desc, id desc);
create index users_display_name_lower_idx on users (lower(display_name) text_pattern_ops);
create index sessions_user_all_idx on sessions (user_id, last_used_at desc);
