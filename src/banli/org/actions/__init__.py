"""The office's everyday administration (系统管理) and each person's own account, as actions
(DESIGN.md 4a): every door (the office's pages, a command, a later API) calls these. Each checks
that the actor is the office (the account settings: that it is the person themself), validates with
a message in Chinese and English, writes the change and an audit row with the values before and
after, in one transaction.

One module per concern: users and their roles, units and their liaisons, sessions and their time
limits, the holiday calendar, the notification floors, one's own account."""
