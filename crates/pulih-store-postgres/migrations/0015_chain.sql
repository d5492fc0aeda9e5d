-- the unit of work (issue 13). a write appends its audit events and change-feed entries
-- to the pending tables in its own transaction, with no lock shared by all writers, so
-- concurrent writes commit together (group commit). after commits the chainer, one at a
-- time (it locks chain_head), moves the committed pending rows into audit_log (giving
-- each its place in the hash chain) and changes (giving each its feed seq) in one
-- transaction. seqs are handed out only to committed rows and only by the chainer, so
-- the feed's order is the order rows become visible: a reader of `seq > cursor` never
-- skips a row that commits late, which an identity column filled by the writers allowed.
create table audit_pending (
    id bigint generated always as identity primary key,
    at timestamptz not null,
    actor text,
    action text not null,
    record_type text not null,
    record_id text,
    region text not null,
    ip text,
    detail text not null
);

create table changes_pending (
    id bigint generated always as identity primary key,
    entity text not null,
    entity_id text not null,
    version bigint not null,
    region text not null,
    at timestamptz not null
);

-- the end of the chain: its length and last hash, moved on by every chainer run in the
-- same transaction as the entries it chains, so a tail cut from audit_log no longer
-- matches it (see `pulih audit verify`).
create table chain_head (
    one integer primary key check (one = 1),
    seq bigint not null,
    hash text not null
);
insert into chain_head (one, seq, hash)
select 1, coalesce((select max(seq) from audit_log), 0),
       coalesce((select hash from audit_log order by seq desc limit 1),
                '0000000000000000000000000000000000000000000000000000000000000000');
