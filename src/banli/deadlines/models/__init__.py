from .calendar import *  # noqa: F401,F403
from .deadline import *  # noqa: F401,F403
