-- Messaging: conversations (direct pairs deduplicated by a unique key on the ordered pair,
-- groups with an owner), their participants with a read position, messages numbered by a
-- gap-free per-conversation seq (allocated from conversations.last_seq under its row lock),
-- and one delivery row per recipient (pending -> delivered -> read).
create table conversations (
  id uuid primary key default gen_random_uuid(),
  type text not null check (type in ('direct', 'group')),
  name text,
  owner_id uuid references users(id) on delete set null,
  -- "<smaller uuid>:<larger uuid>" for direct conversations; null for groups.
  direct_key text unique,
  last_seq integer not null default 0,
  last_activity_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  check ((type = 'direct') = (direct_key is not null))
);

create table conversation_participants (
  conversation_id uuid not null references conversations(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  last_read_seq integer not null default 0,
  joined_at timestamptz not null default now(),
  primary key (conversation_id, user_id)
);
create index conversation_participants_user_idx on conversation_participants (user_id, conversation_id);

create table messages (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references conversations(id) on delete cascade,
  seq integer not null,
  sender_id uuid references users(id) on delete set null,
  body text not null,
  client_id text,
  created_at timestamptz not null default now(),
  edited_at timestamptz,
  deleted_at timestamptz,
  -- Last edit or delete: catch-up replays messages changed after a point in time.
  changed_at timestamptz,
  constraint messages_conversation_seq_key unique (conversation_id, seq),
  constraint messages_sender_client_id_key unique (sender_id, client_id)
);
create index messages_changed_idx on messages (conversation_id, changed_at) where changed_at is not null;

create table message_deliveries (
  message_id uuid not null references messages(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'read')),
  delivered_at timestamptz,
  read_at timestamptz,
  primary key (message_id, user_id)
);
create index message_deliveries_pending_idx on message_deliveries (user_id) where status = 'pending';
