-- supervision of agents (article-003: outreach is accompanied and monitored by the bnnk's
-- rehabilitation officers). an awareness session or an outreach may name the officer who
-- accompanied it: a coordinator or counsellor of the bnnk, optional.
alter table activities add column accompanied_by blob references users (id);
-- the per-agent view and the idle agents read an agent's activities by day.
create index activities_recorded_by on activities (recorded_by, held_on);

-- a coordinator's supervision visit to a unit: what was found and what follows. append-only.
create table supervision_visits (
    id blob primary key,
    unit_id blob not null references units (id),
    village text not null,
    visited_on text not null,
    findings text not null,
    follow_up text not null,
    recorded_by blob not null references users (id),
    recorded_at text not null
);
create index supervision_visits_unit on supervision_visits (unit_id, visited_on);
