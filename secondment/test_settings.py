"""Settings for the test suite: the real settings with a throwaway secret and fast hashing.

The database still comes from DATABASE_URL, so CI runs the suite on PostgreSQL.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "insecure-test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")

from secondment.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
