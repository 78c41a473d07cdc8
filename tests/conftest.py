import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from tests.factories import build_world


@pytest.fixture
def world(db):
    """The shared small world: 晋城 tree and 杭州, one user per role, two placements."""
    return build_world()


@pytest.fixture
def transactional_world(transactional_db):
    return build_world()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo (``seed_demo``, D9), seeded once for the module inside a transaction that is
    rolled back at the end; each test runs in a savepoint within it (``db``). Yields what the
    command printed."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            out = io.StringIO()
            call_command("seed_demo", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` need PostgreSQL's row locks; on SQLite they are skipped."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"
