-- coordination meetings (rakor) at any level of the region tree, with the organisations
-- present and the action items agreed. topics and decisions are json arrays of strings.

create table meetings (
    id blob primary key,
    region text not null,
    held_on text not null,
    place text not null,
    convener blob not null references organisations (id),
    topics text not null,
    decisions text not null,
    recorded_by blob not null references users (id),
    recorded_at text not null
);
create index meetings_region on meetings (region, held_on);
create index meetings_convener on meetings (convener);

-- organisations named by a record: a registered one (org_id) or one named by hand
-- (name), exactly one of the two. shared by rakor (the organisations present) and mous
-- (the parties); record_id is the meeting's or the mou's id.
create table coordination_parties (
    record_id blob not null,
    position integer not null,
    org_id blob references organisations (id),
    name text,
    primary key (record_id, position),
    check ((org_id is null) <> (name is null))
);
create index coordination_parties_org on coordination_parties (org_id);

-- what a rakor agreed: each owned by one registered organisation, whose users update it.
create table action_items (
    id blob primary key,
    meeting_id blob not null references meetings (id),
    region text not null,
    description text not null,
    owner_org blob not null references organisations (id),
    due_on text not null,
    status text not null,
    version integer not null,
    updated_by blob not null references users (id),
    updated_at text not null
);
create index action_items_meeting on action_items (meeting_id, due_on);
create index action_items_owner on action_items (owner_org, status, due_on);
