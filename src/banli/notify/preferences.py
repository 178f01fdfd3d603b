"""Who gets what: effective channels = the person's choice ∪ the office's minimum for the kind ∪ in-app."""

from .models import Channel, ChannelMinimum, NotificationPreference


def chosen_channels(pref: NotificationPreference | None) -> set[str]:
    if pref is None:
        return set()
    return {c for c, on in ((Channel.SMS, pref.by_sms), (Channel.EMAIL, pref.by_email)) if on}


def minimum_channels(kind: str) -> set[str]:
    minimum = ChannelMinimum.objects.filter(kind=kind).first()
    return minimum.channels() if minimum else set()


def plan(user_ids: list[int], kind: str) -> tuple[dict[int, set[str]], dict[int, NotificationPreference]]:
    """user id -> effective channels, and the preference rows read on the way (two queries)."""
    floor = minimum_channels(kind) | {Channel.INAPP}
    prefs = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=user_ids)}
    return {u: floor | chosen_channels(prefs.get(u)) for u in user_ids}, prefs
