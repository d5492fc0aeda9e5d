-- local regulations of a province, regency or city, or village (perda, perkada, sk,
-- surat edaran, perdes). status is the one after the latest step; version is that
-- step's seq, so a step taken from a stale reading is refused. number stays null until
-- a draft is enacted.
create table regulations (
    id uuid primary key,
    region text not null collate "C",
    kind text not null,
    number text,
    title text not null,
    topic text not null,
    status text not null,
    version bigint not null,
    recorded_by uuid not null references users (id),
    recorded_at timestamptz not null
);
create index regulations_region on regulations (region, recorded_at);

-- every dated step of a regulation, its recording first; never changed.
create table regulation_steps (
    regulation_id uuid not null references regulations (id),
    seq bigint not null,
    step text not null,
    status text not null,
    on_date date not null,
    note text,
    recorded_by uuid not null references users (id),
    recorded_at timestamptz not null,
    primary key (regulation_id, seq)
);
