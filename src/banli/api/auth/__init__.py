"""How the API knows who calls it beyond the session: expiring API tokens (django-rest-knox),
their revocation on a password change, and the admin pages of tokens and two-factor devices that
show no secret. Issuing and revoking by the caller are endpoints: views/tokens.py."""
