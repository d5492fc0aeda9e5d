-- the unit of work (issue 13). a write appends its audit events and change-feed entries
-- to the pending tables in its own transaction; the chainer moves them, in the order it
-- finds them, into audit_log (giving each its place in the hash chain) and changes
-- (giving each its feed seq). on sqlite the writer task runs the chainer at the end of
-- every batch, inside the batch's transaction, so nothing is ever left pending after a
-- commit. the same tables and chainer serve postgresql, where it runs after commits.
create table audit_pending (
    id integer primary key autoincrement,
    at text not null,
    actor text,
    action text not null,
    record_type text not null,
    record_id text,
    region text not null,
    ip text,
    detail text not null
);

create table changes_pending (
    id integer primary key autoincrement,
    entity text not null,
    entity_id text not null,
    version integer not null,
    region text not null,
    at text not null
);

-- the end of the chain: its length and last hash. every chainer run moves it on in the
-- same transaction as the entries it chains, so a tail cut from audit_log no longer
-- matches it (see `pulih audit verify`).
create table chain_head (
    one integer primary key check (one = 1),
    seq integer not null,
    hash text not null
);
insert into chain_head (one, seq, hash)
select 1, coalesce((select max(seq) from audit_log), 0),
       coalesce((select hash from audit_log order by seq desc limit 1),
                '0000000000000000000000000000000000000000000000000000000000000000');
