-- the partner directory: services organisations offer, with the regions they serve
-- (space-separated copy in `areas` for reading; one row per region in `partner_service_areas` for
-- searching, where a region covers everything below it).
create table partner_services (
    id blob primary key,
    org_id blob not null references organisations (id),
    name text not null,
    service text not null,
    areas text not null,
    capacity integer,
    contact text not null,
    hours text,
    recorded_by blob not null references users (id),
    recorded_at text not null
);
create index partner_services_type on partner_services (service);

create table partner_service_areas (
    service_id blob not null references partner_services (id),
    region text not null,
    primary key (service_id, region)
);
create index partner_service_areas_region on partner_service_areas (region);
