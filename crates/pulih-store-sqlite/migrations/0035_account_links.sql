-- a one-time link that lets a person set their own password: an invitation to a new
-- account or a reset. only the token's sha-256 is kept; a user has at most one open link
-- (a new one replaces it), and using, revoking or letting it expire ends it. who issued
-- and who used a link is in the audit log.
alter table users add column link_hash text;
alter table users add column link_purpose text;
alter table users add column link_expires_at text;
create unique index users_link_hash on users (link_hash) where link_hash is not null;
