-- an activity is corrected or voided by its author or the unit's coordinator within seven
-- days of recording it: `version` counts its changes (for the change feed), a voided one
-- keeps its row (the audit names who voided it and why) but counts nowhere.
alter table activities add column version integer not null default 1;
alter table activities add column voided_at text;
