"""Settings for the test suite: the real settings with a throwaway secret and fast hashing.

The database still comes from DATABASE_URL, so CI runs the suite on PostgreSQL.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "insecure-test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")

from secondment.settings import *  # noqa: E402,F403
from secondment.settings import filesystem_broker_options  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Serve static files from the apps, as under DEBUG: the suite never runs collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

if CELERY_BROKER_URL.startswith("filesystem://") and not os.environ.get("CELERY_DATA_DIR"):  # noqa: F405
    # Messages the suite sends must not reach a `make run` worker reading var/celery.
    CELERY_DATA_DIR = Path(tempfile.mkdtemp(prefix="secondment-test-celery-"))
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(CELERY_DATA_DIR)
    atexit.register(shutil.rmtree, CELERY_DATA_DIR, True)

# The live server's request threads would otherwise keep their connections open after the test,
# and the test database could not be dropped at the end of the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
