"""Reply drafting (答复起草): the office's reply templates per reply type, and what the unit's reply
form opens with (its saved draft, a returned draft with the leader's comment, or in re-handling the
previous reply and the proposer's objection)."""
