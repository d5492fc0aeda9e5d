-- the audit chain's links become keyed (HMAC-SHA-256 under a key sealed with the master
-- key) from the next entry on; entries chained before keep their plain SHA-256 links.
alter table chain_head add column keyed_from integer not null default 1;
update chain_head set keyed_from = seq + 1;
