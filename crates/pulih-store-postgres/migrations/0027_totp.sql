-- two-factor login (rfc 6238). the shared secret is sealed under the server's account
-- key, never stored plain; it is written when enrolment starts and only counts once
-- `totp_enabled` is set by a confirmed code. `totp_last_step` is the last 30-second step
-- a code was accepted for: a code of that step or an earlier one is refused (no replay).
alter table users add column totp_secret bytea;
alter table users add column totp_enabled boolean not null default false;
alter table users add column totp_last_step bigint;

-- one-time recovery codes, kept only as keyed hashes; a used one keeps its row.
create table totp_recovery_codes (
    user_id uuid not null references users (id),
    code_hash text not null,
    used_at timestamptz,
    primary key (user_id, code_hash)
);

-- when a browser session was last used, for the idle timeout (null: not since login).
alter table sessions add column last_seen_at timestamptz;
