-- desa/kelurahan bersinar: every step of a village's designation is kept, numbered per
-- village (the primary key refuses two steps from the same state); the latest is its
-- status.
create table bersinar_steps (
    village text not null collate "C",
    seq bigint not null,
    step text not null,
    status text not null,
    decree_number text,
    decree_date date,
    decree_issuer text,
    reason text,
    recorded_by uuid not null references users (id),
    recorded_at timestamptz not null,
    primary key (village, seq)
);

-- yearly targets of bersinar villages per regency or city.
create table bersinar_targets (
    regency text not null,
    year integer not null,
    count bigint not null,
    version bigint not null,
    updated_at timestamptz not null,
    primary key (regency, year)
);
