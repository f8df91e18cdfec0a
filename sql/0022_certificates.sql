-- Certificates: at most one per enrollment; listed once the PDF is stored. The number is
-- public (verification) and unique; names are frozen at issue time.
create table certificates (
  id uuid primary key default gen_random_uuid(),
  enrollment_id uuid not null references enrollments(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  course_id uuid not null references courses(id) on delete cascade,
  number text not null,
  learner_name text not null,
  course_title text not null,
  instructor_name text not null,
  issued_at timestamptz not null default now(),
  storage_key text,
  pdf_stored_at timestamptz,
  revoked_at timestamptz,
  constraint certificates_enrollment_key unique (enrollment_id),
  constraint certificates_number_key unique (number),
  constraint certificates_number_format check (number ~ '^CERT-[0-9]{8}-[A-Z0-9]{6}$')
);
create index certificates_user_idx on certificates (user_id, issued_at desc);
