-- assessments of places: ikn per village, ikotan per regency and year. every assessment
-- is kept (history), with the rules its outcome was computed by; only the approval is
-- added later.
create table assessments (
    id blob primary key,
    kind text not null,
    region text not null,
    period text not null,
    answers text not null,
    outcome text not null,
    score integer,
    rules text not null,
    recorded_by blob not null references users (id),
    recorded_at text not null,
    approved_by blob references users (id),
    approved_at text
);
create index assessments_place on assessments (kind, region, period);

-- configurable settings of the programme (e.g. ikn thresholds), versioned.
create table settings (
    key text primary key,
    value text not null,
    version integer not null,
    updated_at text not null
);
