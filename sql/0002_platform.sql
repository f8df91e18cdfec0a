-- Platform tables: the transactional outbox that carries domain events to the worker.
create table outbox (
  id bigserial primary key,
  type text not null,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  dispatched_at timestamptz
);
create index outbox_pending_idx on outbox (id) where dispatched_at is null;
