-- assessments of places: ikn per village, ikotan per regency and year. every assessment
-- is kept (history), with the rules its outcome was computed by; only the approval is
-- added later.
create table assessments (
    id uuid primary key,
    kind text not null,
    region text not null collate "C",
    period date not null,
    answers text not null,
    outcome text not null,
    score bigint,
    rules text not null,
    recorded_by uuid not null references users (id),
    recorded_at timestamptz not null,
    approved_by uuid references users (id),
    approved_at timestamptz
);
create index assessments_place on assessments (kind, region, period);

-- configurable settings of the programme (e.g. ikn thresholds), versioned.
create table settings (
    key text primary key,
    value text not null,
    version bigint not null,
    updated_at timestamptz not null
);
