-- mous and joint commitments between organisations. the parties are in
-- coordination_parties; scopes is a comma-separated list of scope keys. a signed mou past
-- its end date reads as expired: the stored status is not changed by time.

create table mous (
    id uuid primary key,
    region text not null collate "C",
    title text not null,
    document_no text not null,
    scopes text not null,
    status text not null,
    signed_on date,
    term_months bigint,
    ends_on date,
    version bigint not null,
    recorded_by uuid not null references users (id),
    recorded_at timestamptz not null
);
create index mous_region on mous (region);
create index mous_ending on mous (status, ends_on);

-- referrals done under an mou.
create table mou_referrals (
    mou_id uuid not null references mous (id),
    referral_id uuid not null references referrals (id),
    linked_by uuid not null references users (id),
    linked_at timestamptz not null,
    primary key (mou_id, referral_id)
);
