"""Reference tables with the defaults of DOMAIN.md: reply types, feedback grades and the category
tree of each assembly. Idempotent: rows that exist (matched by code or name) are left as an
administrator may have edited them; only missing rows are created."""

from django.db import transaction

from banli.org.defaults import CATEGORY_TREE, FEEDBACK_GRADES, REPLY_TYPES, install_defaults  # noqa: F401 (re-exported)
from banli.org.models import Category, FeedbackGrade, ReplyType


@transaction.atomic
def load_reference_data() -> dict:
    """Create whatever reference rows are missing (the migration installs them on a new
    database; a flushed test database may lack them). Returns how many rows were created."""
    return install_defaults(ReplyType, FeedbackGrade, Category)
