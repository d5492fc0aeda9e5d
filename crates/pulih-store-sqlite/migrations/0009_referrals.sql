-- closed-loop referrals: a client sent to a partner service, every step it went through
-- (reasons sealed with the client's key), and the in-app notifications steps send.
create table referrals (
    id blob primary key,
    client_id blob not null references clients (id),
    region text not null,
    service_id blob not null references partner_services (id),
    service_type text not null,
    partner_org blob not null references organisations (id),
    sender blob not null references users (id),
    sender_org blob not null references organisations (id),
    status text not null,
    sent_on text not null,
    answer_due text not null,
    reason blob,
    escalated_at text,
    version integer not null,
    updated_at text not null
);
create index referrals_partner on referrals (partner_org, status);
create index referrals_sender on referrals (sender, status);
create index referrals_client on referrals (client_id);
create index referrals_region on referrals (region, sent_on);
create index referrals_waiting on referrals (answer_due) where status = 'sent' and escalated_at is null;

create table referral_steps (
    referral_id blob not null references referrals (id),
    seq integer not null,
    status text not null,
    step text,
    by_user blob not null references users (id),
    at text not null,
    reason blob,
    primary key (referral_id, seq)
);

create table notifications (
    id blob primary key,
    user_id blob not null references users (id),
    kind text not null,
    subject text not null,
    detail text not null,
    created_at text not null,
    read_at text,
    unique (user_id, kind, subject)
);
create index notifications_user on notifications (user_id, created_at);
