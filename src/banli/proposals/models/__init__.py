"""Items (提案/建议) and every record of their handling. Nothing is deleted: ended things keep
their reason and their dates."""

from .handling import *  # noqa: F401,F403
from .item import *  # noqa: F401,F403
from .oversight import *  # noqa: F401,F403
