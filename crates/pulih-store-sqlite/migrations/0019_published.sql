-- figures about clients as analysts see them (issue 14): per figure and closed period,
-- every node's count and whether it is hidden by complementary suppression, computed
-- once for the whole tree and served to every view. a republication after corrections
-- keeps every cell hidden before hidden (pulih-app's `publication`).
create table published_figures (
    figure text not null,
    period text not null,
    published_at text not null,
    primary key (figure, period)
);

create table published_cells (
    figure text not null,
    period text not null,
    node text not null,
    parent text not null,
    n integer not null,
    hidden integer not null,
    primary key (figure, period, node)
);
create index published_children on published_cells (figure, period, parent);

-- a publication reads one figure of one period over the whole tree
create index rollups_figures on rollups (figure, period);
