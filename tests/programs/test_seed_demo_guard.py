"""``seed_demo``'s guard on a database that is not a demo (D9): keyed on the data, not on DEBUG.

These tests start from an empty database (no ``demo`` fixture): a real installation, or a
stranger's account named like a demo account.
"""

import io

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from tests.factories import PASSWORD, build_world, make_user


def _seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _row_counts() -> dict:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_D9_seed_demo_refuses_a_real_installation(db, settings):
    world = build_world()
    settings.DEBUG = True  # whatever the environment says
    before = _row_counts()
    with pytest.raises(CommandError, match="不是演示数据创建的"):
        _seed()
    assert _row_counts() == before
    world.admin.refresh_from_db()
    assert world.admin.check_password(PASSWORD)


def test_D9_seed_demo_with_force_never_takes_over_a_record_it_did_not_create(db):
    """An account named like a demo account stays the installation's: its password is not reset."""
    admin = make_user("admin", superuser=True)
    before = _row_counts()
    with pytest.raises(CommandError) as excinfo:
        _seed("--force")
    assert "admin" in str(excinfo.value)
    assert _row_counts() == before
    admin.refresh_from_db()
    assert admin.check_password(PASSWORD) and not admin.check_password(django_settings.DEMO_PASSWORD)
