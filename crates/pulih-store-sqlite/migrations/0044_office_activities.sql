-- activities of a bnnk or bnnp office itself (article-002: the province office's own
-- penyuluhan): an awareness session or an outreach run by the office's staff at a place
-- of its area, as precise as known (a village, a district, or the regency or province as
-- a whole). kept apart from the units' activities, which always have a unit and a
-- village; corrected and voided by the same rules (version, voided_at).
create table office_activities (
    id blob primary key,
    office_id blob not null references organisations (id),
    place text not null,
    kind text not null,
    held_on text not null,
    detail text not null,
    -- the audience by group and the facilitators by kind, counted (json); never names.
    counts text not null,
    people integer not null,
    recorded_by blob not null references users (id),
    recorded_at text not null,
    version integer not null default 1,
    voided_at text
);
-- a region's list reads the places of its subtree newest first (ids are uuidv7).
create index office_activities_place on office_activities (place, id);
