-- idempotency keys are now claimed inside the write they protect, and keep only the
-- write's answer (ids, versions), never a response body: the old table held bodies with
-- names and phones in plain text, so it goes, with what it held.
drop table idempotency;
create table idempotency (
    user_id blob not null,
    key text not null,
    fingerprint text not null,
    answer text not null, -- json of ids and versions; '' until the claiming write ends
    client_id blob, -- the client the write was about: erasure removes its answers
    created_at text not null,
    expires_at text not null,
    primary key (user_id, key)
);
create index idempotency_expiry on idempotency (expires_at);
create index idempotency_client on idempotency (client_id) where client_id is not null;
