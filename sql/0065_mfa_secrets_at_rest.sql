-- Secrets at rest (SPEC §12). TOTP seeds move to `totp_secret_enc`, sealed by the API with
-- AES-256-GCM under DATA_ENCRYPTION_KEY (SQL cannot do it: the key never reaches the database).
-- Seeds written before stay readable in `totp_secret` until the API seals them: on first use,
-- and in one pass at start-up (accounts/mfa/secret-store.ts). A row holds one form, never both.
-- Recovery codes become keyed hashes, HMAC-SHA256(key derived from DATA_ENCRYPTION_KEY,
-- sha256(code)); `keyed` is false on rows still holding the old plain SHA-256 until that pass.
alter table users add column totp_secret_enc text;
alter table users add constraint users_totp_secret_one_form check (totp_secret is null or totp_secret_enc is null);
alter table recovery_codes add column keyed boolean not null default false;
