"""SMS: the channel, and the gateway chosen by BANLI_SMS_BACKEND (sms/gateways.py)."""

from django.db.models import Case, IntegerField, Value, When

from ...models import Channel
from ..base import ChannelBackend
from .gateways import get_gateway


class Sms(ChannelBackend):
    key = Channel.SMS
    label = Channel.SMS.label
    quiet_hours = True
    missing_address = "没有手机号码（no phone number on file）"

    def addresses(self, user_ids, prefs):
        from banli.org.models import Person

        found = {pk: p.phone for pk, p in prefs.items() if pk in user_ids and p.phone}
        rest = [u for u in user_ids if u not in found]
        if rest:
            # A proposer's number is on their Person record; an active one wins over an old one.
            people = (Person.objects.filter(user_id__in=rest).exclude(phone="")
                      .order_by(Case(When(active=True, then=Value(0)), default=Value(1), output_field=IntegerField()), "id")
                      .values_list("user_id", "phone"))
            for user_id, phone in people:
                found.setdefault(user_id, phone)
        return found

    def send(self, message):
        return get_gateway().send(message)
