-- coordination meetings (rakor) at any level of the region tree, with the organisations
-- present and the action items agreed. topics and decisions are json arrays of strings.

create table meetings (
    id uuid primary key,
    region text not null collate "C",
    held_on date not null,
    place text not null,
    convener uuid not null references organisations (id),
    topics text not null,
    decisions text not null,
    recorded_by uuid not null references users (id),
    recorded_at timestamptz not null
);
create index meetings_region on meetings (region, held_on);
create index meetings_convener on meetings (convener);

-- organisations named by a record: a registered one (org_id) or one named by hand
-- (name), exactly one of the two. shared by rakor (the organisations present) and mous
-- (the parties); record_id is the meeting's or the mou's id.
create table coordination_parties (
    record_id uuid not null,
    position bigint not null,
    org_id uuid references organisations (id),
    name text,
    primary key (record_id, position),
    check ((org_id is null) <> (name is null))
);
create index coordination_parties_org on coordination_parties (org_id);

-- what a rakor agreed: each owned by one registered organisation, whose users update it.
create table action_items (
    id uuid primary key,
    meeting_id uuid not null references meetings (id),
    region text not null collate "C",
    description text not null,
    owner_org uuid not null references organisations (id),
    due_on date not null,
    status text not null,
    version bigint not null,
    updated_by uuid not null references users (id),
    updated_at timestamptz not null
);
create index action_items_meeting on action_items (meeting_id, due_on);
create index action_items_owner on action_items (owner_org, status, due_on);
