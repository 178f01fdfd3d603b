from .deadline import *  # noqa: F401,F403
