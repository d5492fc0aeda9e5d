-- a nik may now be held by several clients. a registration whose nik matches a client
-- the worker may not reach is accepted like a stranger's (refusing it would tell the
-- worker that the nik is a client's) and left to the coordinators over the first client
-- as a possible duplicate; a later registration of that nik finds every record holding it.
alter table clients drop constraint clients_nik_hash_key;
create index clients_nik_hash on clients (nik_hash) where nik_hash is not null;
