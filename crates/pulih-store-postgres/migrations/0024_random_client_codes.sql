-- client codes are drawn at random now (unguessable, see pulih-domain's client_code.rs),
-- so the per-regency numbering is gone. codes given before keep their form and stay
-- unique under the same constraint as the new ones.
drop table client_sequences;
