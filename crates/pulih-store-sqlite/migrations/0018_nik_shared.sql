-- a nik may now be held by several clients. a registration whose nik matches a client
-- the worker may not reach is accepted like a stranger's (refusing it would tell the
-- worker that the nik is a client's) and left to the coordinators over the first client
-- as a possible duplicate; a later registration of that nik finds every record holding it.
--
-- sqlite cannot drop a column's unique constraint, so the table is made again under the
-- same name. the migration runs inside a transaction, where foreign keys cannot be
-- switched off: they are deferred instead, so dropping the table counts its children as
-- orphans and putting every row back counts them found again before the commit checks.
pragma defer_foreign_keys = on;
create table clients_before_0018 as select * from clients;
drop table clients;
create table clients (
    id blob primary key,
    code text not null unique,
    region text not null,
    org_id blob not null references organisations (id),
    assigned_to blob references users (id),
    -- keyed hash of the nik (blind index), for duplicate checks and linkage; null when
    -- none was given or the client was erased.
    nik_hash text,
    identity blob,
    created_by blob not null references users (id),
    created_at text not null,
    erased_at text,
    version integer not null,
    last_fact_on text
);
insert into clients (id, code, region, org_id, assigned_to, nik_hash, identity, created_by,
                     created_at, erased_at, version, last_fact_on)
select id, code, region, org_id, assigned_to, nik_hash, identity, created_by,
       created_at, erased_at, version, last_fact_on
from clients_before_0018;
drop table clients_before_0018;
create index clients_region on clients (region);
create index clients_org on clients (org_id);
create index clients_assigned on clients (assigned_to);
create index clients_nik_hash on clients (nik_hash) where nik_hash is not null;
