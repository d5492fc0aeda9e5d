-- mous and joint commitments between organisations. the parties are in
-- coordination_parties; scopes is a comma-separated list of scope keys. a signed mou past
-- its end date reads as expired: the stored status is not changed by time.

create table mous (
    id blob primary key,
    region text not null,
    title text not null,
    document_no text not null,
    scopes text not null,
    status text not null,
    signed_on text,
    term_months integer,
    ends_on text,
    version integer not null,
    recorded_by blob not null references users (id),
    recorded_at text not null
);
create index mous_region on mous (region);
create index mous_ending on mous (status, ends_on);

-- referrals done under an mou.
create table mou_referrals (
    mou_id blob not null references mous (id),
    referral_id blob not null references referrals (id),
    linked_by blob not null references users (id),
    linked_at text not null,
    primary key (mou_id, referral_id)
);
