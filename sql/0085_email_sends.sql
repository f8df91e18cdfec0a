-- Crash safety (SPEC §13): a ledger of email jobs whose mail the SMTP server accepted, written
-- right after acceptance, so a job re-run (a stalled job taken over, a retry after a later
-- failure) skips a mail already sent. Keyed by queue, job id and job creation time: job ids
-- restart if Redis loses its data, the creation time tells a recycled id from the same job.
create table email_sends (
  job_key text primary key,
  recipient text not null,
  template text not null,
  message_id text,
  sent_at timestamptz not null default now()
);
create index email_sends_sent_at_idx on email_sends (sent_at);
