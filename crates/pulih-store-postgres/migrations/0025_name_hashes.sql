-- keyed hashes (blind indexes, like nik_hash) of a client's normalised full name, and of
-- the name with the birth date: for finding a client by name and for duplicate checks
-- at registration, never the name itself. null when not given or once erased.
alter table clients add column name_hash text;
alter table clients add column name_birth_hash text;
create index clients_name_hash on clients (name_hash) where name_hash is not null;
create index clients_name_birth_hash on clients (name_birth_hash) where name_birth_hash is not null;
