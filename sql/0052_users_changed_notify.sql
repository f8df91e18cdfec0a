-- Every change to a users row is announced on the `users_changed` channel (payload: the user
-- id) when its transaction commits. API processes keep a short-lived in-memory copy of the
-- signed-in user's profile and drop it on this notice, whoever made the change (a request on
-- another replica, the worker, the CLI or plain SQL).
create function users_changed_notify() returns trigger language plpgsql as $$
begin
  perform pg_notify('users_changed', coalesce(new.id, old.id)::text);
  return null;
end
$$;

create trigger users_changed after update or delete on users
  for each row execute function users_changed_notify();
