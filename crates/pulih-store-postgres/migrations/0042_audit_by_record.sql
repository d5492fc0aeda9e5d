-- a client's access report reads every audit entry about one record (the client, and its
-- break-glass grants), oldest first: without this the whole log would be scanned.
create index audit_log_record on audit_log (record_type, record_id, seq);
