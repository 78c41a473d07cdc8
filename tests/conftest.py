import io

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models.signals import post_migrate

from tests.factories import build_world


@pytest.fixture
def world(db):
    """The shared small world: 晋城 tree and 杭州, one user per role, two placements."""
    return build_world()


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a folder of the test's own, and Django sends them itself."""
    settings.MEDIA_ROOT = tmp_path
    settings.MEDIA_X_ACCEL_PREFIX = ""
    return tmp_path


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


# Rows the migrations write (policy presets, the holiday table…) are the installation's reference
# data. A transactional test ends by emptying every table; Django's own runner hides that by
# running such tests last, but under pytest-xdist a process may run a file of them before a file
# that reads the presets. So the rows are kept when the test database is made and written back
# after every flush. Groups, permissions and content types are rebuilt by post_migrate itself.
_REBUILT_BY_POST_MIGRATE = {"contenttypes.contenttype", "auth.permission", "auth.group", "sessions.session"}
_reference_rows: list[str] = []


def _reference_data_restore(sender, using="default", **kwargs):
    # flush sends post_migrate once per app; restore once, after the last app has had its turn.
    if not _reference_rows or sender is not _last_app_with_models():
        return
    for payload in _reference_rows:
        for row in serializers.deserialize("json", payload, using=using):
            row.save(using=using)


def _last_app_with_models():
    return [config for config in apps.get_app_configs() if config.models_module is not None][-1]


@pytest.fixture(scope="session", autouse=True)
def _reference_data_kept(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        tables = set(connection.introspection.table_names())
        for model in apps.get_models():
            # No table: no test of this session asked for the database, so none was made.
            if model._meta.label_lower in _REBUILT_BY_POST_MIGRATE or model._meta.proxy or model._meta.db_table not in tables:
                continue
            rows = model._default_manager.order_by("pk")
            if rows.exists():
                _reference_rows.append(serializers.serialize("json", rows))
    post_migrate.connect(_reference_data_restore, dispatch_uid="tests.reference_data_restore")
    yield
    post_migrate.disconnect(dispatch_uid="tests.reference_data_restore")


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
