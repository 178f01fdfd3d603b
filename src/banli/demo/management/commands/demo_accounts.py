"""Print the demo accounts and where to log in."""

import unicodedata

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from banli.demo.generate import ACCOUNTS, PASSWORD


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, w: int) -> str:
    return text + " " * (w - width(text))


class Command(BaseCommand):
    help = "Print the demo accounts (用户名、角色、密码) and the URL."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, **options):
        users = {u.username: u for u in get_user_model().objects.filter(username__in=[a[0] for a in ACCOUNTS])}
        header = ("用户名 username", "姓名 name", "角色", "role", "密码 password")
        rows = [(name, (users[name].get_full_name() or "-") if name in users else "（未创建）", zh, en, PASSWORD)
                for name, zh, en in ACCOUNTS]
        widths = [max(width(r[i]) for r in rows + [header]) for i in range(len(header))]
        line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
        out = [line, "| " + " | ".join(pad(h, w) for h, w in zip(header, widths)) + " |", line]
        out += ["| " + " | ".join(pad(c, w) for c, w in zip(r, widths)) + " |" for r in rows]
        out.append(line)
        base = f"http://127.0.0.1:{options['port']}/"
        out += [
            "",
            f"Banli 提案办理系统 · demo   {base}   （登录后首页即待办 / log in: your to-do list）",
            f"  管理后台 admin:     {base}admin/",
            f"  接口文档 API docs:  {base}api/docs/",
            f"  所有演示账号密码均为 / every demo account's password: {PASSWORD}",
        ]
        if len(users) < len(ACCOUNTS):
            out.append("  （演示账号尚未创建：请先运行 manage.py load_demo / run manage.py load_demo first）")
        self.stdout.write("\n".join(out))
