"""Set-up shared by the benchmarks that run on the demo data: Django on ``DATABASE_URL`` with
development settings, migrated, and ``seed_demo`` run (it is idempotent; it refuses a database
holding accounts it did not create, so point ``DATABASE_URL`` at a database of the benchmarks' own)."""

import os
import sys
from pathlib import Path


def demo_database_ready() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secondment.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdefghij")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # static files from the apps, no collectstatic
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
