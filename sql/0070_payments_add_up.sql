-- Payments that add up (SPEC §12): two new order statuses (`payment_review` for a success whose
-- amount or currency differs from the order, `disputed` while a chargeback is open), what Stripe
-- reported received, what refunds took back (and what we asked Stripe for and it has not
-- confirmed yet), the dispute's state and the status it interrupted, and whether the order
-- still holds its stock, so stock is given back exactly once whatever the order of events.
alter table orders drop constraint orders_status_check;
alter table orders add constraint orders_status_check check (status in ('pending_payment', 'payment_failed', 'paid', 'processing',
  'shipped', 'delivered', 'cancelled', 'expired', 'refunded', 'payment_review', 'disputed'));

alter table orders
  add column received_cents integer check (received_cents is null or received_cents >= 0),
  add column received_currency text,
  add column refunded_cents integer not null default 0 check (refunded_cents >= 0),
  add column refund_requested_cents integer not null default 0 check (refund_requested_cents >= 0),
  add column dispute_id text,
  add column dispute_status text,
  add column disputed_from text,
  add column stock_held boolean not null default true;

-- Cancelled and expired orders released their stock already; refunded ones never gave it back
-- before this change and stay as they are.
update orders set stock_held = false where status in ('cancelled', 'expired', 'refunded');
