"""What every page's frame needs: the user's roles for the menu and the unread count. Two
queries at most, cached on the request."""

from banli.notify.models import Notification
from banli.proposals.access import actor_for


def chrome(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    actor = actor_for(user)
    return {
        "actor": actor,
        "is_proposer": bool(actor.person_ids),
        "unread_notifications": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    }
