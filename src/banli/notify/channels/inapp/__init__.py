"""The in-app inbox: always on, written at once (no outbox); read and marked read through the API."""

from ...messages import parse
from ...models import Channel, Notification
from ..base import ChannelBackend


class InApp(ChannelBackend):
    key = Channel.INAPP
    label = Channel.INAPP.label
    queued = False

    def deliver_now(self, user_ids, kind, text, item_id):
        params = parse(kind, text)  # the sentence and its values: the page renders it in the reader's language
        Notification.objects.bulk_create([Notification(recipient_id=u, kind=kind, text=text[:300], params=params, item_id=item_id)
                                          for u in user_ids])
