"""Settings for the test suite: the real settings with test-only values in the environment."""

import os

os.environ.setdefault("JISR_SECRET_KEY", "test-only-secret-key-not-for-any-deployment")
os.environ.setdefault("JISR_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "test"))
os.environ.setdefault("JISR_SECURE_COOKIES", "0")
# A fixed Fernet key for tests only (never deploy it): sensitive fields are encrypted with it.
os.environ.setdefault("JISR_FIELD_KEYS", "dGVzdC1vbmx5LWZpZWxkLWtleS1ub3QtZm9yLXVzZSE=")

from jisr.settings import *  # noqa: E402,F403
from jisr.settings import DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: the lockout test runs a second process against the same database.
    _worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(os.environ["JISR_DATA_DIR"], f"test-{_worker}.sqlite3")}
