-- Commerce: products (weighted full-text + trigram search), server carts, orders with their
-- items, Idempotency-Key records of order creation, and received Stripe webhook events.

-- array_to_string is only STABLE; tags are plain text, so this wrapper is safe to mark IMMUTABLE
-- and lets the tags feed the generated search vector.
create or replace function commerce_tags_text(tags text[]) returns text
  language sql immutable parallel safe as $$ select coalesce(array_to_string(tags, ' '), '') $$;

create table products (
  id uuid primary key default gen_random_uuid(),
  slug citext not null unique,
  name text not null,
  description text not null default '',
  kind text not null check (kind in ('course', 'digital', 'physical')),
  -- The course a `course` product sells (no FK: courses is a sibling domain, linked by events).
  course_id uuid unique,
  price_cents integer not null check (price_cents >= 0),
  currency text not null check (currency ~ '^[a-z]{3}$'),
  stock integer check (stock is null or stock >= 0),
  category text,
  tags text[] not null default '{}',
  image_file_ids uuid[] not null default '{}',
  status text not null default 'active' check (status in ('active', 'archived')),
  -- Millisecond precision so a created_at in a cursor round-trips through JSON exactly.
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  updated_at timestamptz not null default now(),
  search tsvector generated always as (
    setweight(to_tsvector('english', name), 'A') ||
    setweight(to_tsvector('english', commerce_tags_text(tags) || ' ' || coalesce(category, '')), 'B') ||
    setweight(to_tsvector('english', description), 'C')
  ) stored,
  check ((kind = 'course') = (course_id is not null))
);
create index products_search_idx on products using gin (search);
create index products_name_trgm_idx on products using gin (name gin_trgm_ops);
create index products_tags_idx on products using gin (tags);
create index products_active_newest_idx on products (created_at desc, id desc) where status = 'active';
create index products_active_price_idx on products (price_cents, id) where status = 'active';
create index products_category_idx on products (category) where status = 'active';

create table cart_items (
  user_id uuid not null references users(id) on delete cascade,
  product_id uuid not null references products(id) on delete cascade,
  quantity integer not null check (quantity > 0),
  added_at timestamptz not null default now(),
  primary key (user_id, product_id)
);

create table orders (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users(id),
  status text not null check (status in ('pending_payment', 'payment_failed', 'paid', 'processing', 'shipped',
    'delivered', 'cancelled', 'expired', 'refunded')),
  total_cents integer not null check (total_cents >= 0),
  currency text not null,
  shipping_address jsonb,
  payment_intent_id text unique,
  client_secret text,
  tracking_number text,
  -- A success that arrived when the stock could no longer be re-reserved: refunded automatically.
  auto_refund_at timestamptz,
  refund_requested_at timestamptz,
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  updated_at timestamptz not null default now(),
  paid_at timestamptz,
  expires_at timestamptz not null
);
create index orders_user_idx on orders (user_id, created_at desc, id desc);
create index orders_status_idx on orders (status, created_at desc, id desc);
create index orders_paid_idx on orders (paid_at) where paid_at is not null;

create table order_items (
  order_id uuid not null references orders(id) on delete cascade,
  product_id uuid not null references products(id),
  name text not null,
  kind text not null,
  course_id uuid,
  quantity integer not null check (quantity > 0),
  unit_price_cents integer not null check (unit_price_cents >= 0),
  primary key (order_id, product_id)
);
create index order_items_product_idx on order_items (product_id);
create index order_items_course_idx on order_items (course_id) where course_id is not null;

-- One row per (user, Idempotency-Key): inserted in the order's transaction, so a concurrent
-- duplicate waits on it and then replays the stored response.
create table order_idempotency_keys (
  user_id uuid not null references users(id) on delete cascade,
  key text not null,
  request_hash text not null,
  -- Deferred: the key row is inserted first (it is the lock), the order right after.
  -- Null when the checkout was refused: `error` then holds the answer to replay.
  order_id uuid references orders(id) on delete cascade deferrable initially deferred,
  response jsonb,
  error jsonb,
  created_at timestamptz not null default now(),
  primary key (user_id, key)
);

-- Every verified Stripe event, recorded once; the worker applies it and stamps processed_at.
create table stripe_events (
  id text primary key,
  type text not null,
  payload jsonb not null,
  received_at timestamptz not null default now(),
  processed_at timestamptz
);
