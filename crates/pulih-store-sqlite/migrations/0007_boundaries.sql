-- official boundaries of regions, imported from a big/kemendagri geojson release: one
-- row per region, replaced by a re-import. geometry is a geojson multipolygon rounded to
-- five decimals and simplified (douglas-peucker at 0.0005 degrees), so the 300 villages
-- of a regency page stay small; the box lets maps fit without reading the geometry.
create table region_boundaries (
    code text primary key references regions (code),
    level integer not null, -- as regions.level: 1 province … 4 village
    min_lon real not null,
    min_lat real not null,
    max_lon real not null,
    max_lat real not null,
    vertices integer not null,
    geometry text not null,
    source text not null,
    imported_at text not null
);
create index region_boundaries_level on region_boundaries (level, code);
