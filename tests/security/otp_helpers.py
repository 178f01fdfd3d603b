"""What the two-factor tests share: a phone (a confirmed TOTP device and the codes it shows), and
a login through both steps."""

import time

from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from banli.audit.models import AuditRecord
from tests.builders import PASSWORD


def phone(user) -> TOTPDevice:
    """A confirmed device, as if the person had enrolled."""
    return TOTPDevice.objects.create(user=user, name="手机验证器", confirmed=True)


def code(device, *, steps_ahead: int = 0) -> str:
    """The code the phone shows now (or `steps_ahead` periods later: the device accepts one step of
    drift, and a code once used is refused, so a second login in the same 30 s uses the next)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def password_step(client: Client, user, next_path: str = ""):
    data = {"username": user.username, "password": PASSWORD}
    if next_path:
        data["next"] = next_path
    return client.post("/login/", data)


def login_verified(user, *, steps_ahead: int = 0) -> Client:
    """A client logged in through both steps (a device is made if the person has none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or phone(user)
    client = Client()
    r = password_step(client, user)
    assert r.status_code == 302 and r["Location"].startswith("/login/verify/"), r
    r = client.post("/login/verify/", {"otp_token": code(device, steps_ahead=steps_ahead)})
    assert r.status_code == 302 and r["Location"] == "/", r.content.decode()[:500]
    return client


def events(kind: str, user=None) -> list[AuditRecord]:
    rows = AuditRecord.objects.filter(action="security." + kind).order_by("id")
    if user is not None:
        rows = rows.filter(actor=user)
    return list(rows)
