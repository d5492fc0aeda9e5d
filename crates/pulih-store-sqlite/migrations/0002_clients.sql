-- clients. only what is needed to place, list and count a client is plain; identity
-- and clinical details are sealed by the application with the client's own data key,
-- which is itself sealed under the server's master key (never stored here).
create table clients (
    id blob primary key,
    code text not null unique,
    region text not null,
    org_id blob not null references organisations (id),
    assigned_to blob references users (id),
    -- keyed hash of the nik (blind index), for duplicate checks and linkage; null when
    -- none was given or the client was erased.
    nik_hash text unique,
    identity blob,
    created_by blob not null references users (id),
    created_at text not null,
    erased_at text,
    version integer not null
);
create index clients_region on clients (region);
create index clients_org on clients (org_id);
create index clients_assigned on clients (assigned_to);

-- one data key per client; erasure deletes the row (crypto-shredding).
create table client_keys (
    client_id blob primary key references clients (id),
    key_id text not null,
    sealed blob not null
);
create index client_keys_key_id on client_keys (key_id);

-- the last code number handed out per regency.
create table client_sequences (
    regency text primary key,
    last integer not null
);

-- append-only facts about a client: consents, episodes, screenings, care.
create table client_facts (
    id blob primary key,
    client_id blob not null references clients (id),
    kind text not null,
    occurred_on text not null,
    due_on text,
    status text,
    refers_to blob,
    detail text not null,
    sealed blob,
    recorded_by blob not null references users (id),
    recorded_at text not null
);
create index client_facts_client on client_facts (client_id, occurred_on);
create index client_facts_due on client_facts (kind, due_on) where due_on is not null;

-- break-glass grants: time-limited access outside normal reach, reviewed afterwards.
create table grants (
    id blob primary key,
    client_id blob not null references clients (id),
    region text not null,
    user_id blob not null references users (id),
    user_scope text not null,
    reason blob,
    granted_at text not null,
    expires_at text not null,
    reviewed_by blob references users (id),
    reviewed_at text,
    outcome text,
    review_note text
);
create index grants_client_user on grants (client_id, user_id, expires_at);
create index grants_region on grants (region);

-- server-wide keys (e.g. the nik index key), sealed under the master key.
create table server_keys (
    purpose text primary key,
    key_id text not null,
    sealed blob not null
);
