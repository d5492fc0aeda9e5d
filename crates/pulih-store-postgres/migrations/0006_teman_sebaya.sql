-- teman sebaya, the school peer-educator programme. counts only: no column can hold the
-- name or any other detail of a student.

-- schools of a village. the npsn (national school number) is unique when given.
create table schools (
    id uuid primary key,
    village text not null collate "C",
    name text not null,
    level text not null,
    npsn text,
    recorded_by uuid not null references users (id),
    recorded_at timestamptz not null
);
create index schools_village on schools (village, name);
create unique index schools_npsn on schools (npsn);

-- how many peer educators a school had as of a date, by sex and grade band. append-only:
-- the newest as_of (then the newest recorded) is the current count, the rest is history.
-- every grade band column is set, zeros included.
create table peer_counts (
    id uuid primary key,
    school_id uuid not null references schools (id),
    village text not null collate "C",
    as_of date not null,
    total bigint not null,
    male bigint not null,
    female bigint not null,
    grades_1_3 bigint,
    grades_4_6 bigint,
    grades_7_9 bigint,
    grades_10_12 bigint,
    recorded_by uuid not null references users (id),
    recorded_at timestamptz not null
);
create index peer_counts_school on peer_counts (school_id, as_of, recorded_at, id);
create index peer_counts_village on peer_counts (village);

-- sessions held by a school's peer educators. the grade band columns are null when the
-- audience was not broken down by grade (teachers and parents attend too).
create table peer_sessions (
    id uuid primary key,
    school_id uuid not null references schools (id),
    village text not null collate "C",
    held_on date not null,
    topic text not null,
    total bigint not null,
    male bigint not null,
    female bigint not null,
    grades_1_3 bigint,
    grades_4_6 bigint,
    grades_7_9 bigint,
    grades_10_12 bigint,
    recorded_by uuid not null references users (id),
    recorded_at timestamptz not null
);
create index peer_sessions_school on peer_sessions (school_id, held_on);
create index peer_sessions_village on peer_sessions (village, held_on);
