-- Extensions the schema relies on: case-insensitive text (emails), trigram search, UUIDs.
create extension if not exists citext;
create extension if not exists pg_trgm;
create extension if not exists pgcrypto;
