-- pulih schema for sqlite. timestamps are rfc 3339 text in utc; ids are uuid blobs.

-- the official region tree. codes are never deleted: a code dropped by a new decree is
-- retired, so records placed there and the history stay readable.
create table regions (
    code text primary key,
    parent_code text references regions (code),
    level integer not null, -- 1 province, 2 regency, 3 district, 4 village
    name text not null,
    name_lower text not null, -- lower-cased in rust (unicode-aware) for search
    latitude real,
    longitude real,
    utc_offset integer,
    postal_code text,
    children_count integer not null default 0,
    retired_at text
);
create index regions_parent on regions (parent_code, code);

create table region_imports (
    id blob primary key,
    source text not null,
    at text not null,
    added integer not null,
    renamed integer not null,
    restored integer not null,
    retired integer not null,
    unchanged integer not null
);

create table region_changes (
    id integer primary key,
    code text not null,
    import_id blob not null references region_imports (id),
    change text not null,
    old_name text,
    new_name text
);
create index region_changes_code on region_changes (code);

create table organisations (
    id blob primary key,
    name text not null,
    org_type text not null,
    place text not null, -- 'ID' for national, else a region code
    version integer not null,
    created_at text not null
);

create table users (
    id blob primary key,
    username text not null unique,
    display_name text not null,
    role text not null,
    org_id blob not null references organisations (id),
    scope text not null,
    password_hash text not null,
    disabled integer not null default 0,
    must_change_password integer not null default 0,
    version integer not null,
    created_at text not null
);

-- login sessions and api tokens. only a sha-256 of the secret is kept.
create table sessions (
    id blob primary key,
    token_hash text not null unique,
    user_id blob not null references users (id),
    kind text not null,
    csrf_token text not null,
    created_at text not null,
    expires_at text not null,
    revoked_at text
);
create index sessions_user on sessions (user_id);

-- hash-chained audit log; the triggers make tampering a deliberate act.
create table audit_log (
    seq integer primary key,
    at text not null,
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
create index audit_log_region on audit_log (region, seq);
create trigger audit_log_no_update before update on audit_log
begin
    select raise(abort, 'audit_log is append-only');
end;
create trigger audit_log_no_delete before delete on audit_log
begin
    select raise(abort, 'audit_log is append-only');
end;

-- change feed for sync: one row per write, monotonic seq.
create table changes (
    seq integer primary key autoincrement,
    entity text not null,
    entity_id text not null,
    version integer not null,
    region text not null,
    at text not null
);
create index changes_region on changes (region, seq);

create table idempotency (
    user_id blob not null,
    key text not null,
    status integer not null,
    body text not null,
    fingerprint text not null,
    created_at text not null,
    primary key (user_id, key)
);
