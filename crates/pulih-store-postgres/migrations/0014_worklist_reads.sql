-- client scope filters compare region codes as an index range (`region >= '34.04.' and
-- region < '34.04/'`), which every plan serves from a plain btree; a `like` pattern built
-- from a parameter is a full scan in a generic plan. the range needs byte order, so these
-- columns become `collate "C"`, as the region tables are, and their indexes plain btrees.
drop index clients_region;
alter table clients alter column region type text collate "C";
create index clients_region on clients (region);

drop index grants_region;
alter table grants
    alter column region type text collate "C",
    alter column user_scope type text collate "C";
create index grants_region on grants (region);

-- the date of each client's latest fact, kept by every fact write, so worklists and
-- caseloads over thousands of clients read one row per client instead of searching the
-- facts of each.
alter table clients add column last_fact_on date;
update clients c set last_fact_on = (select max(f.occurred_on) from client_facts f where f.client_id = c.id);
