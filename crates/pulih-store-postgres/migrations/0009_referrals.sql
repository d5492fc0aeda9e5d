-- closed-loop referrals: a client sent to a partner service, every step it went through
-- (reasons sealed with the client's key), and the in-app notifications steps send.
create table referrals (
    id uuid primary key,
    client_id uuid not null references clients (id),
    region text not null collate "C",
    service_id uuid not null references partner_services (id),
    service_type text not null,
    partner_org uuid not null references organisations (id),
    sender uuid not null references users (id),
    sender_org uuid not null references organisations (id),
    status text not null,
    sent_on date not null,
    answer_due date not null,
    reason bytea,
    escalated_at timestamptz,
    version bigint not null,
    updated_at timestamptz not null
);
create index referrals_partner on referrals (partner_org, status);
create index referrals_sender on referrals (sender, status);
create index referrals_client on referrals (client_id);
create index referrals_region on referrals (region, sent_on);
create index referrals_waiting on referrals (answer_due) where status = 'sent' and escalated_at is null;

create table referral_steps (
    referral_id uuid not null references referrals (id),
    seq bigint not null,
    status text not null,
    step text,
    by_user uuid not null references users (id),
    at timestamptz not null,
    reason bytea,
    primary key (referral_id, seq)
);

create table notifications (
    id uuid primary key,
    user_id uuid not null references users (id),
    kind text not null,
    subject text not null,
    detail text not null,
    created_at timestamptz not null,
    read_at timestamptz,
    unique (user_id, kind, subject)
);
create index notifications_user on notifications (user_id, created_at);
