-- teman sebaya, the school peer-educator programme. counts only: no column can hold the
-- name or any other detail of a student.

-- schools of a village. the npsn (national school number) is unique when given.
create table schools (
    id blob primary key,
    village text not null,
    name text not null,
    level text not null,
    npsn text,
    recorded_by blob not null references users (id),
    recorded_at text not null
);
create index schools_village on schools (village, name);
create unique index schools_npsn on schools (npsn);

-- how many peer educators a school had as of a date, by sex and grade band. append-only:
-- the newest as_of (then the newest recorded) is the current count, the rest is history.
-- every grade band column is set, zeros included.
create table peer_counts (
    id blob primary key,
    school_id blob not null references schools (id),
    village text not null,
    as_of text not null,
    total integer not null,
    male integer not null,
    female integer not null,
    grades_1_3 integer,
    grades_4_6 integer,
    grades_7_9 integer,
    grades_10_12 integer,
    recorded_by blob not null references users (id),
    recorded_at text not null
);
create index peer_counts_school on peer_counts (school_id, as_of, recorded_at, id);
create index peer_counts_village on peer_counts (village);

-- sessions held by a school's peer educators. the grade band columns are null when the
-- audience was not broken down by grade (teachers and parents attend too).
create table peer_sessions (
    id blob primary key,
    school_id blob not null references schools (id),
    village text not null,
    held_on text not null,
    topic text not null,
    total integer not null,
    male integer not null,
    female integer not null,
    grades_1_3 integer,
    grades_4_6 integer,
    grades_7_9 integer,
    grades_10_12 integer,
    recorded_by blob not null references users (id),
    recorded_at text not null
);
create index peer_sessions_school on peer_sessions (school_id, held_on);
create index peer_sessions_village on peer_sessions (village, held_on);
