-- enforcement hand-offs recorded by police liaisons: kind, date, regency and the keyed
-- hash of the person's nik (the same blind index as clients.nik_hash), never the nik.
-- they are matched to clients only when linkage is counted.
create table handoffs (
    id uuid primary key,
    kind text not null,
    occurred_on date not null,
    region text not null collate "C",
    org_id uuid not null references organisations (id),
    recorded_by uuid not null references users (id),
    recorded_at timestamptz not null,
    nik_hash text not null
);
-- counts per region and period read by index range; lists per organisation.
create index handoffs_region on handoffs (region, occurred_on);
create index handoffs_org on handoffs (org_id, id);
