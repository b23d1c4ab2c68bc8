-- Invitations an owner hands to a new organizer: a single-use link with the role it grants.
CREATE TABLE organizer_invitations (
    id uuid PRIMARY KEY,
    token_hash text NOT NULL UNIQUE,
    email text NOT NULL,
    email_canonical text NOT NULL,
    role text NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
    invited_by uuid REFERENCES organizers (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    revoked_at timestamptz
);

CREATE INDEX organizer_invitations_open ON organizer_invitations (created_at)
    WHERE used_at IS NULL AND revoked_at IS NULL;

