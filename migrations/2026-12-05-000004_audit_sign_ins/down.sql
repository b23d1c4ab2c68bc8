DROP INDEX audit_log_action;
DELETE FROM audit_log WHERE via = 'sign-in page';
ALTER TABLE audit_log DROP CONSTRAINT audit_log_via_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_via_check CHECK (via IN ('admin', 'command line'));
