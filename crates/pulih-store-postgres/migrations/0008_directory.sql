-- the partner directory: services organisations offer, with the regions they serve
-- (space-separated copy in `areas` for reading; one row per region in `partner_service_areas` for
-- searching, where a region covers everything below it).
create table partner_services (
    id uuid primary key,
    org_id uuid not null references organisations (id),
    name text not null,
    service text not null,
    areas text not null,
    capacity bigint,
    contact text not null,
    hours text,
    recorded_by uuid not null references users (id),
    recorded_at timestamptz not null
);
create index partner_services_type on partner_services (service);

create table partner_service_areas (
    service_id uuid not null references partner_services (id),
    region text not null collate "C",
    primary key (service_id, region)
);
create index partner_service_areas_region on partner_service_areas (region);
