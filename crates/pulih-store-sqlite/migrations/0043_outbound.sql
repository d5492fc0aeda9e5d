-- the channels a user chose besides the app. address is sealed under the account key,
-- bound to the user and the channel; lang is the language of the messages.
create table user_channels (
    user_id blob not null references users (id),
    channel text not null,
    address blob not null,
    lang text not null,
    updated_at text not null,
    primary key (user_id, channel)
);

-- the outbox: one row per notification and channel, written in the notification's
-- transaction. subject and body are the generic text (never the notification's
-- details); address is copied sealed from user_channels. state is pending, sent or
-- failed; a pending row is due at next_attempt_at; last_error is a kind, not a message.
create table deliveries (
    notification_id blob not null references notifications (id),
    channel text not null,
    user_id blob not null references users (id),
    address blob not null,
    subject text not null,
    body text not null,
    state text not null,
    attempts integer not null,
    next_attempt_at text,
    last_error text,
    created_at text not null,
    updated_at text not null,
    primary key (notification_id, channel)
);
create index deliveries_due on deliveries (state, next_attempt_at);
