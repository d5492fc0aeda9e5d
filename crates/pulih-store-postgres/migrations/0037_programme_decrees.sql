-- a bupati's or wali kota's decree naming a year's desa bersinar programme villages.
create table programme_decrees (
    id uuid primary key,
    regency text not null collate "C",
    number text not null,
    decree_date date not null,
    issuer text not null,
    year integer not null,
    recorded_by uuid not null references users (id),
    recorded_at timestamptz not null
);
create index programme_decrees_regency on programme_decrees (regency, decree_date);

-- every village a decree names, with what it did there: nominated (the village's
-- bersinar history has the step, with the decree's number), or left as it was because
-- it was a candidate already or beyond.
create table programme_decree_villages (
    decree_id uuid not null references programme_decrees (id),
    village text not null collate "C",
    effect text not null,
    primary key (decree_id, village)
);
