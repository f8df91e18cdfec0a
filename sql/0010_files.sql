-- Files: uploaded objects (bytes live in storage under generated keys) and the WebP
-- variants the images worker derives from them. Users' avatars point here.
create table files (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null references users(id) on delete cascade,
  purpose text not null check (purpose in ('avatar', 'course_cover', 'product_image', 'attachment')),
  storage_key text not null unique,
  content_type text not null,
  size bigint not null check (size >= 0),
  checksum_sha256 text not null,
  original_name text,
  status text not null default 'ready' check (status in ('processing', 'ready', 'failed')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index files_owner_idx on files (owner_id, created_at desc);

create table file_variants (
  file_id uuid not null references files(id) on delete cascade,
  name text not null check (name in ('thumb', 'medium', 'large')),
  storage_key text not null unique,
  content_type text not null default 'image/webp',
  width int not null,
  height int not null,
  size bigint not null,
  created_at timestamptz not null default now(),
  primary key (file_id, name)
);

alter table users
  add constraint users_avatar_file_fk foreign key (avatar_file_id) references files(id) on delete set null;
