-- ibm units: at most one per village, founded at a meeting (json: date, place, attendees
-- by role) and by decree.
create table units (
    id uuid primary key,
    village text not null collate "C" unique,
    founding text not null,
    decree_number text not null,
    decree_date date not null,
    decree_signed_by text not null,
    recorded_by uuid not null references users (id),
    recorded_at timestamptz not null
);

-- agents of a unit: a user belongs to one unit at most (the primary key).
create table unit_members (
    user_id uuid primary key references users (id),
    unit_id uuid not null references units (id),
    phone text,
    sex text not null,
    age_band text not null,
    status text not null,
    joined_on date not null,
    version bigint not null
);
create index unit_members_unit on unit_members (unit_id);

-- bimtek trainings of a unit (curriculum json: modules and trainers).
create table trainings (
    id uuid primary key,
    unit_id uuid not null references units (id),
    village text not null collate "C",
    title text not null,
    organiser text not null,
    curriculum text not null,
    starts_on date not null,
    ends_on date not null,
    recorded_by uuid not null references users (id),
    recorded_at timestamptz not null
);
create index trainings_unit on trainings (unit_id, starts_on);

-- who was present on which day; a day recorded twice keeps one row.
create table training_attendance (
    training_id uuid not null references trainings (id),
    user_id uuid not null references users (id),
    day date not null,
    primary key (training_id, user_id, day)
);

-- certificates of agents who attended every day, numbered per training.
create table training_certificates (
    training_id uuid not null references trainings (id),
    user_id uuid not null references users (id),
    number text not null,
    issued_on date not null,
    primary key (training_id, user_id)
);
create index training_certificates_user on training_certificates (user_id);

-- activities of a unit, append-only; `people` is the audience, reached or attendees.
create table activities (
    id uuid primary key,
    unit_id uuid not null references units (id),
    village text not null collate "C",
    kind text not null,
    held_on date not null,
    detail text not null,
    people bigint not null,
    recorded_by uuid not null references users (id),
    recorded_at timestamptz not null
);
create index activities_village on activities (village, held_on);
