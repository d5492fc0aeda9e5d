-- the vocational track is read across the clients a worker reaches, by kind of fact.
create index client_facts_kind_client on client_facts (kind, client_id);

-- a placement's retention is checked once per month (3, 6, 12): the check's due date is
-- the placement date plus that many months, so two checks of one month of one placement
-- share (refers_to, due_on). Erasure clears due_on, which frees nothing that matters.
create unique index client_facts_retention on client_facts (refers_to, due_on)
    where kind = 'retention_check';
