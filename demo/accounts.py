"""The demo accounts people log in with, and the table `python -m demo accounts` prints."""

import unicodedata

PASSWORD = "banli-demo"

# username, role (zh), role (en).
ACCOUNTS = [
    ("member1", "政协委员（领衔提案人）", "CPPCC member (proposer)"),
    ("member2", "政协委员（联名人）", "CPPCC member (co-signer)"),
    ("deputy1", "人大代表", "NPC deputy"),
    ("cppcc", "区政协提案委", "CPPCC proposals committee"),
    ("npc", "区人大代表工委", "NPC deputies' affairs committee"),
    ("office", "区政府办公室（督查）", "government office"),
    ("unit1", "承办单位联络员（区住建局）", "unit liaison, housing bureau"),
    ("unit1_head", "单位主要领导（区住建局）", "unit leader, housing bureau"),
    ("unit2", "承办单位联络员（区城管局）", "unit liaison, city management bureau"),
    ("unit2_head", "单位主要领导（区城管局）", "unit leader, city management bureau"),
    ("leader1", "分管副区长", "deputy district mayor (supervising leader)"),
    ("admin", "系统管理员", "administrator"),
]


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, w: int) -> str:
    return text + " " * (w - width(text))


def accounts_text(port: int = 8000) -> str:
    """The accounts (用户名、角色、密码) with their names in this database, and the URLs."""
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.filter(username__in=[a[0] for a in ACCOUNTS])}
    header = ("用户名 username", "姓名 name", "角色", "role", "密码 password")
    rows = [(name, (users[name].get_full_name() or "-") if name in users else "（未创建）", zh, en, PASSWORD)
            for name, zh, en in ACCOUNTS]
    widths = [max(width(r[i]) for r in rows + [header]) for i in range(len(header))]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    out = [line, "| " + " | ".join(pad(h, w) for h, w in zip(header, widths)) + " |", line]
    out += ["| " + " | ".join(pad(c, w) for c, w in zip(r, widths)) + " |" for r in rows]
    out.append(line)
    base = f"http://127.0.0.1:{port}/"
    out += [
        "",
        f"Banli 提案办理系统 · demo   {base}   （登录后首页即待办 / log in: your to-do list）",
        f"  管理后台 admin:     {base}admin/",
        f"  接口文档 API docs:  {base}api/docs/",
        f"  所有演示账号密码均为 / every demo account's password: {PASSWORD}",
    ]
    if len(users) < len(ACCOUNTS):
        out.append("  （演示账号尚未创建：请先运行 python -m demo load / run python -m demo load first）")
    return "\n".join(out)
