-- Sign-ins are audited too, including refused ones from someone with no account.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_via_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_via_check
    CHECK (via IN ('admin', 'command line', 'sign-in page'));
CREATE INDEX audit_log_action ON audit_log (action, id);
