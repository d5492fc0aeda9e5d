-- dashboards (issue 14). a write appends the figures it changes to rollup_pending in its
-- own transaction; the chainer, in the same run that chains the audit entries, spreads
-- each to its place, every node above it and the four calendar periods holding its day
-- and adds them to rollups (a missing row is zero). see pulih-domain's `rollup`.
create table rollup_pending (
    id bigint generated always as identity primary key,
    figure text not null,
    place text not null,
    day date not null,
    delta bigint not null
);

create table rollups (
    node text not null,
    period text not null,
    figure text not null,
    parent text not null,
    n bigint not null,
    primary key (node, period, figure)
);
create index rollups_children on rollups (parent, period);
