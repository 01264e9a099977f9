"""Local development: the embedded default. Runs with no environment variables at all."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.get_bool("DEBUG", True)

for sub in ("mail", "cache", "celery/broker", "celery/processed", "celery/control"):
    (VAR_DIR / sub).mkdir(parents=True, exist_ok=True)
