-- services in the partner directory are versioned: an import that changes a service (the
-- same HSDS service id with other values) bumps its version, and the change feed names it.
alter table partner_services add column version integer not null default 1;
create index partner_services_org on partner_services (org_id);
