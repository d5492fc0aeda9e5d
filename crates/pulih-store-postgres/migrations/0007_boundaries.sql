-- official boundaries of regions, imported from a big/kemendagri geojson release: one
-- row per region, replaced by a re-import. geometry is a geojson multipolygon rounded to
-- five decimals and simplified (douglas-peucker at 0.0005 degrees), so the 300 villages
-- of a regency page stay small; the box lets maps fit without reading the geometry.
-- plain text rather than postgis, so both backends keep one format and no extension is
-- needed.
create table region_boundaries (
    code text collate "C" primary key references regions (code),
    level smallint not null, -- as regions.level: 1 province … 4 village
    min_lon double precision not null,
    min_lat double precision not null,
    max_lon double precision not null,
    max_lat double precision not null,
    vertices bigint not null,
    geometry text not null,
    source text not null,
    imported_at timestamptz not null
);
create index region_boundaries_level on region_boundaries (level, code);
