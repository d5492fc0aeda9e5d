-- the date of each client's latest fact, kept by every fact write, so worklists and
-- caseloads over thousands of clients read one row per client instead of searching the
-- facts of each.
alter table clients add column last_fact_on text;
update clients set last_fact_on = (select max(f.occurred_on) from client_facts f where f.client_id = clients.id);
