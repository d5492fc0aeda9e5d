-- pulih schema for postgresql. timestamps are timestamptz; ids are native uuids.
-- region codes, scopes and places stay text ('ID' for national, else a dotted code) so the
-- same prefix filter works as in the sqlite backend; text_pattern_ops lets the planner use
-- the indexes for `like '21.71.%'` whatever the database collation is. columns that lists
-- are ordered by are `collate "C"`: byte order, as in sqlite, on any server locale.

-- the official region tree. codes are never deleted: a code dropped by a new decree is
-- retired, so records placed there and the history stay readable.
create table regions (
    code text collate "C" primary key,
    parent_code text collate "C" references regions (code),
    level smallint not null, -- 1 province, 2 regency, 3 district, 4 village
    name text collate "C" not null,
    name_lower text collate "C" not null, -- lower-cased in rust (unicode-aware) for search, as in sqlite
    latitude double precision,
    longitude double precision,
    utc_offset integer,
    postal_code text,
    children_count bigint not null default 0,
    retired_at timestamptz
);
create index regions_parent on regions (parent_code, code);
create index regions_level on regions (level, code);

create table region_imports (
    id uuid primary key,
    source text not null,
    at timestamptz not null,
    added bigint not null,
    renamed bigint not null,
    restored bigint not null,
    retired bigint not null,
    unchanged bigint not null
);

create table region_changes (
    id bigint generated always as identity primary key,
    code text not null,
    import_id uuid not null references region_imports (id),
    change text not null,
    old_name text,
    new_name text
);
create index region_changes_code on region_changes (code, id);

create table organisations (
    id uuid primary key,
    name text collate "C" not null,
    org_type text not null,
    place text not null, -- 'ID' for national, else a region code
    version bigint not null,
    created_at timestamptz not null
);
create index organisations_place on organisations (place text_pattern_ops);

create table users (
    id uuid primary key,
    username text collate "C" not null unique, -- the constraint name users_username_key is mapped to a duplicate error
    display_name text not null,
    role text not null,
    org_id uuid not null references organisations (id),
    scope text not null,
    password_hash text not null,
    disabled boolean not null default false,
    must_change_password boolean not null default false,
    version bigint not null,
    created_at timestamptz not null
);
create index users_scope on users (scope text_pattern_ops);
create index users_org on users (org_id);

-- login sessions and api tokens. only a sha-256 of the secret is kept.
create table sessions (
    id uuid primary key,
    token_hash text not null unique,
    user_id uuid not null references users (id),
    kind text not null,
    csrf_token text not null,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    revoked_at timestamptz
);
create index sessions_user on sessions (user_id);

-- hash-chained audit log. seq is assigned by the writer under an advisory lock (see
-- audit.rs), not by a sequence, so the chain has no gaps. detail stays text, not jsonb:
-- the hash covers the exact text, which jsonb would normalise.
create table audit_log (
    seq bigint primary key,
    at timestamptz not null,
    actor text,
    action text not null,
    record_type text not null,
    record_id text,
    region text not null,
    ip text,
    detail text not null,
    prev_hash text not null,
    hash text not null
);
create index audit_log_region on audit_log (region text_pattern_ops, seq);

-- the trigger makes tampering a deliberate act: an owner has to disable it first.
create function audit_log_append_only() returns trigger
language plpgsql as $$
begin
    raise exception 'audit_log is append-only';
end;
$$;
create trigger audit_log_no_update before update or delete on audit_log
    for each row execute function audit_log_append_only();
-- truncate skips row triggers, so it gets its own statement trigger.
create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_append_only();

-- change feed for sync: one row per write. seqs are handed out under the same advisory
-- lock as the audit chain, so they are in commit order and a reader never skips one.
create table changes (
    seq bigint generated always as identity primary key,
    entity text not null,
    entity_id text not null,
    version bigint not null,
    region text not null,
    at timestamptz not null
);
create index changes_region on changes (region text_pattern_ops, seq);

create table idempotency (
    user_id uuid not null,
    key text not null,
    status integer not null,
    body text not null,
    fingerprint text not null,
    created_at timestamptz not null,
    primary key (user_id, key)
);
