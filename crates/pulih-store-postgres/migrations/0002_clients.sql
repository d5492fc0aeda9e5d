-- clients. only what is needed to place, list and count a client is plain; identity
-- and clinical details are sealed by the application with the client's own data key,
-- which is itself sealed under the server's master key (never stored here).
create table clients (
    id uuid primary key,
    code text collate "C" not null unique,
    region text not null,
    org_id uuid not null references organisations (id),
    assigned_to uuid references users (id),
    -- keyed hash of the nik (blind index), for duplicate checks and linkage; null when
    -- none was given or the client was erased. the constraint name clients_nik_hash_key
    -- is mapped to a duplicate error.
    nik_hash text unique,
    identity bytea,
    created_by uuid not null references users (id),
    created_at timestamptz not null,
    erased_at timestamptz,
    version bigint not null
);
create index clients_region on clients (region text_pattern_ops);
create index clients_org on clients (org_id);
create index clients_assigned on clients (assigned_to);

-- one data key per client; erasure deletes the row (crypto-shredding).
create table client_keys (
    client_id uuid primary key references clients (id),
    key_id text not null,
    sealed bytea not null
);
create index client_keys_key_id on client_keys (key_id);

-- the last code number handed out per regency. the upsert that takes a number locks the
-- regency's row until commit, so a registration that fails hands its number back.
create table client_sequences (
    regency text primary key,
    last bigint not null
);

-- append-only facts about a client: consents, episodes, screenings, care.
create table client_facts (
    id uuid primary key,
    client_id uuid not null references clients (id),
    kind text not null,
    occurred_on date not null,
    due_on date,
    status text,
    refers_to uuid,
    detail text not null,
    sealed bytea,
    recorded_by uuid not null references users (id),
    recorded_at timestamptz not null
);
create index client_facts_client on client_facts (client_id, occurred_on);
create index client_facts_due on client_facts (kind, due_on) where due_on is not null;

-- break-glass grants: time-limited access outside normal reach, reviewed afterwards.
create table grants (
    id uuid primary key,
    client_id uuid not null references clients (id),
    region text not null,
    user_id uuid not null references users (id),
    user_scope text not null,
    reason bytea,
    granted_at timestamptz not null,
    expires_at timestamptz not null,
    reviewed_by uuid references users (id),
    reviewed_at timestamptz,
    outcome text,
    review_note text
);
create index grants_client_user on grants (client_id, user_id, expires_at);
-- client lists look up the live grants of one user.
create index grants_user on grants (user_id, expires_at);
create index grants_region on grants (region text_pattern_ops);

-- server-wide keys (e.g. the nik index key), sealed under the master key.
create table server_keys (
    purpose text primary key,
    key_id text not null,
    sealed bytea not null
);
