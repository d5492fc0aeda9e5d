-- aftercare reads facts by the fact they refer to (a plan's follow-ups, relapses and
-- end) and by kind and date (plans of a worklist, ends in the outcome period).
create index client_facts_refers on client_facts (refers_to, kind) where refers_to is not null;
create index client_facts_kind on client_facts (kind, occurred_on);
