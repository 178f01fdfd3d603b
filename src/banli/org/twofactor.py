"""Two-factor authentication (双因素认证, 等保2.0 身份鉴别: two kinds of proof for those who hold
case data and decide on it). Built on django-otp: a TOTP device (the phone's authenticator app:
微信/支付宝 mini-programs, Google/Microsoft Authenticator, FreeOTP all read the same QR code) and a
static device holding ten one-time backup codes for a lost phone.

`requires_second_factor(user)` is the one rule of who must; the login steps (web/views/login.py),
the gate (web/second_factor.py) and the API token endpoint (api/views/tokens.py) all ask it.
Whoever has a confirmed device gives a code at login even where it is optional: a member who chose
it keeps it.

The setting BANLI_2FA_REQUIRED (default on) is read here at each call, never at import, so that a
test or an installation can turn it off without reloading anything."""

import base64
import binascii

import segno
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .selectors import role_rows

BACKUP_CODES = 10
DEVICE_NAME = "手机验证器"
BACKUP_NAME = "备用验证码"


def required_enabled() -> bool:
    return bool(getattr(settings, "BANLI_2FA_REQUIRED", True))


def requires_second_factor(user) -> bool:
    """The office (区府办), the assembly offices (提案委/代表工委), district leaders (区领导),
    leaders of an active unit (承办单位主要领导) and administrators must have a second factor;
    members, deputies and liaisons may. False for everyone while BANLI_2FA_REQUIRED is off."""
    if not required_enabled() or user is None or not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    # The rows the reader's roles are read from too (one query per request for both, issue 16).
    # Every kind of StaffRole is on the list: gov_office, assembly_office, district_leader.
    return any(part == 1 or (part == 2 and leader == user.pk and active)
               for part, _, _, _, leader, _, active in role_rows(user))


def has_device(user) -> bool:
    """A confirmed TOTP or backup-code device."""
    return user is not None and user.is_authenticated and user_has_device(user, confirmed=True)


def needs_verification(user) -> bool:
    """Whether this logged-in user must pass the second step before anything else."""
    if user is None or not user.is_authenticated:
        return False
    verified = getattr(user, "is_verified", None)
    if verified is not None and verified():
        return False
    return requires_second_factor(user) or has_device(user)


def verify(user, code: str):
    """The device that accepts `code` (6 digits from the phone, or an unused backup code), or None.
    Each device's own throttling stays on (1, 2, 4, 8 … seconds after successive failures, from
    OTP_TOTP_THROTTLE_FACTOR / OTP_STATIC_THROTTLE_FACTOR); the rows are locked while checking so
    two guesses at once cannot both pass. Returns (device, throttled_until)."""
    code = "".join((code or "").split()).lower()[:16]
    if not code:
        return None, None
    locked_until = None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            # Six digits go to the phone's device, anything else to the backup codes (eight letters
            # and digits): a code is tried against one kind only, and counts one failure there.
            if isinstance(device, TOTPDevice) != (code.isdigit() and len(code) == 6):
                continue
            allowed, info = device.verify_is_allowed()
            if not allowed:
                locked_until = (info or {}).get("locked_until")
                continue
            if device.verify_token(code):
                return device, None
    return None, locked_until


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled (the same one on every reload of the page, so the QR
    code does not change under the user's phone)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret(device: TOTPDevice) -> str:
    """The key as the authenticator apps take it when typed: base32, in groups of four."""
    b32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(b32[i:i + 4] for i in range(0, len(b32), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code (made here on the server, no script)."""
    return segno.make(device.config_url, error="m").svg_inline(omitsize=True, border=2, dark="#1f2937", light="#ffffff")  # viewBox only: the stylesheet sizes it


def confirm(user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm an enrolment with the first code the phone shows: the device becomes the user's
    only TOTP device and ten new backup codes replace any earlier ones. Returns the backup codes
    (shown once), or None if the code is wrong."""
    code = "".join((code or "").split())
    if not code.isdigit():
        return None
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        try:
            ok = device.verify_token(code)
        except (binascii.Error, ValueError):
            ok = False
        if not ok:
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return new_backup_codes(user)


def new_backup_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    backup = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=backup, token=c) for c in codes])
    return codes


def remove_devices(user) -> int:
    """Every device of the user (the office's reset after a lost phone). Returns how many."""
    count = TOTPDevice.objects.filter(user=user).count() + StaticDevice.objects.filter(user=user).count()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    return count


def status(user) -> dict:
    """For the account and office pages: whether a phone is enrolled, backup codes left."""
    phone = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    left = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return {"enrolled": phone is not None, "since": phone.created_at if phone else None, "backup_left": left,
            "required": requires_second_factor(user)}
