"""The table of notices (banli.proposals.notices): who hears of each step. The actions tell
through it and the benchmark writes its notifications from it, so every entry must be told by
some action and name only audiences the resolvers know. What each action's notification says
and to whom is asserted with the action, in the tests of its area (`notified`)."""

import re
from pathlib import Path

from banli.proposals import notices

ACTIONS = Path(notices.__file__).resolve().parent / "actions"


def told_by_actions() -> set[str]:
    names = set()
    for path in ACTIONS.glob("*.py"):
        names |= set(re.findall(r'\btell(?:_people)?\(\s*(?:step,\s*)?"(\w+)"', path.read_text()))
    return names


def test_every_notice_is_told_by_an_action_and_every_told_one_is_in_the_table():
    assert told_by_actions() == set(notices.NOTICES)


def test_notices_name_known_audiences_and_a_kind():
    for name, notice in notices.NOTICES.items():
        assert notice.to and set(notice.to) <= set(notices.AUDIENCES), name
        kind = notices.kind_of(name, "the_step")
        assert kind == ("the_step" if notice.kind == notices.STEP else notice.kind or name), name
