import pytest
from django.db import connection

from tests.factories import build_world


@pytest.fixture
def world(db):
    """The shared small world: 晋城 tree and 杭州, one user per role, two placements."""
    return build_world()


@pytest.fixture
def transactional_world(transactional_db):
    return build_world()


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
