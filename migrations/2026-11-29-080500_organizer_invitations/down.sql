DROP TABLE organizer_invitations;
