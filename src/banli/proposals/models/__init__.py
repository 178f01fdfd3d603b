"""Items (提案/建议) and every record of their handling. Nothing is deleted: ended things keep
their reason and their dates."""

from .handling import *  # noqa: F401,F403
from .item import *  # noqa: F401,F403
from .oversight import *  # noqa: F401,F403


def has_related(obj, attr) -> bool:
    """Whether a one-to-one relation (a reply's feedback, an assignment's co-opinion) exists; an
    absent reverse one-to-one raises rather than returning None. No query when it was selected."""
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return getattr(obj, attr) is not None
    except ObjectDoesNotExist:
        return False
