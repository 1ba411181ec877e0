-- Wake every replica's web inbox when an answer of a case goes into doubt
-- or out of it (sent again, settled): the In doubt tab counts the cases
-- with such an answer, and the case rows themselves do not change.
CREATE TRIGGER outbox_doubt_wake AFTER UPDATE OF state ON outbox
	FOR EACH ROW WHEN (NEW.case_id <> 0 AND (OLD.state = 'in_doubt') <> (NEW.state = 'in_doubt'))
	EXECUTE FUNCTION shenava_notify_cases();
CREATE TRIGGER outbox_doubt_wake_insert AFTER INSERT ON outbox
	FOR EACH ROW WHEN (NEW.case_id <> 0 AND NEW.state = 'in_doubt')
	EXECUTE FUNCTION shenava_notify_cases();
