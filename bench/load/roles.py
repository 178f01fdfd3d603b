"""What each role does in the load test: its share of the users, the pages it reads (with how
often), and the steps it writes. Plain data, read by the locustfile (which sends the requests),
by bench.load.prepare (which finds each account's items and allowed steps) and by the report and
its test (which check that every page of every role was requested).

The shares follow a district's working day: members and unit liaisons are most of the people
logged in; the offices and the leaders are few but read more lists. The pages are those of
bench/pages.py (each role's to-do page, the item list filtered and searched, late=1) plus the item
page, the inbox, the deadlines list and a leader's portfolio; about 5% of the requests are writes
(a message, an urge, a progress update, a draft reply, a leader's instruction), each followed by
the item page the browser is sent back to."""

from __future__ import annotations

SEARCH = "养老"  # as bench.pages: a topic word in about 1 item of 20
WRITE_SHARE = 0.05
# Think time between two requests of one user, seconds (uniform): reading a page, filling a form.
THINK_SECONDS = (4.0, 12.0)

# Page templates: {item} is one of the account's items; {session}/{category} the current CPPCC
# session and a top category (bench.load.prepare finds them).
TODO, INBOX, DEADLINES, PORTFOLIO, ITEM = "/", "/inbox/", "/deadlines/", "/portfolio/", "/items/{item}/"
LIST = "/items/"
LIST_HANDLING = "/items/?state=handling"
LIST_FILTERED = "/items/?session={session}&state=handling&category={category}"
LIST_SEARCH = f"/items/?q={SEARCH}"
LIST_LATE = "/items/?late=1"

# role -> share of users (percent), login needs a second factor, pages (name, path, weight), writes.
ROLES: dict[str, dict] = {
    "member": {
        "share": 35, "second_factor": False,
        "pages": [("todo", TODO, 30), ("list", LIST, 15), ("list q=", LIST_SEARCH, 5), ("item", ITEM, 30), ("inbox", INBOX, 15)],
        "writes": ["post_message"],
    },
    "unit liaison": {
        "share": 25, "second_factor": False,
        "pages": [("todo", TODO, 25), ("list handling", LIST_HANDLING, 15), ("list q=", LIST_SEARCH, 5), ("item", ITEM, 30),
                  ("inbox", INBOX, 10), ("deadlines", DEADLINES, 10)],
        "writes": ["draft_reply", "report_progress", "post_message"],
    },
    "unit head": {
        "share": 10, "second_factor": True,
        "pages": [("todo", TODO, 35), ("list", LIST, 10), ("item", ITEM, 30), ("inbox", INBOX, 10), ("deadlines", DEADLINES, 10)],
        "writes": ["post_message"],
    },
    "gov office": {
        "share": 12, "second_factor": True,
        "pages": [("todo", TODO, 15), ("list filtered", LIST_FILTERED, 15), ("list q=", LIST_SEARCH, 10), ("list late=1", LIST_LATE, 10),
                  ("item", ITEM, 25), ("deadlines", DEADLINES, 15), ("inbox", INBOX, 5)],
        "writes": ["urge", "post_message"],
    },
    "assembly office": {
        "share": 10, "second_factor": True,
        "pages": [("todo", TODO, 25), ("list filtered", LIST_FILTERED, 20), ("list q=", LIST_SEARCH, 10), ("item", ITEM, 25),
                  ("inbox", INBOX, 10), ("deadlines", DEADLINES, 5)],
        "writes": ["post_message"],
    },
    "district leader": {
        "share": 8, "second_factor": True,
        "pages": [("todo", TODO, 30), ("portfolio", PORTFOLIO, 15), ("list", LIST, 15), ("item", ITEM, 25), ("deadlines", DEADLINES, 10)],
        "writes": ["give_instruction"],
    },
}

# How many accounts of each role the users share (users beyond them log in as the same people, in
# a second browser tab: one login per account, so the login's password hash and TOTP code, which
# are spent once a day in real life, do not swamp the ramp-up).
ACCOUNTS = {"member": 40, "unit liaison": 25, "unit head": 15, "gov office": 2, "assembly office": 2, "district leader": 10}

BASELINE = "baseline"  # the trivial endpoint's row in the table


def write_form(action: str, n: int) -> dict:
    """The fields a person fills in for each write step (the page's form, banli.proposals.commands)."""
    text = f"负载测试 {n}：请按时报送办理进展。"
    if action == "post_message":
        return {"body": f"负载测试留言 {n}：请告知办理进展。"}
    if action in ("urge", "report_progress", "give_instruction"):
        return {"text": text}
    if action == "draft_reply":
        return {"reply_type": "A", "body": f"负载测试答复稿 {n}：经研究，已将所提建议纳入年度工作计划并组织实施。",
                "signatory": "负载测试", "contact_person": "联络员", "contact_phone": "0571-12345678", "recommendation": "publish"}
    raise ValueError(f"no form for {action}")


def page_names() -> list[str]:
    """Every page row the table has: '<role>: <page>', plus each role's writes."""
    names = [f"{role}: {name}" for role, spec in ROLES.items() for name, _, _ in spec["pages"]]
    names += [f"{role}: write {w}" for role, spec in ROLES.items() for w in spec["writes"]]
    return names
