"""Settings: production defaults, the environment they read, Chinese dates and deployment checks."""

import datetime as dt
import json
import secrets
import subprocess
import sys

import pytest
from django import forms
from django.conf import settings
from django.utils import formats, translation

from .brokers import BASE_DIR, subprocess_env

# Variables a developer's shell or CI may set that would change what these subprocesses see.
_ENVIRONMENT = (
    "DJANGO_SETTINGS_MODULE", "DJANGO_SECRET_KEY", "DJANGO_DEBUG", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL",
    "REDIS_URL", "CELERY_DATA_DIR", "DJANGO_SECURE_COOKIES", "DJANGO_SSL_REDIRECT", "DJANGO_HSTS_SECONDS",
)


def production_env(tmp_path, **overrides) -> dict:
    env = subprocess_env(**{name: None for name in _ENVIRONMENT})
    env.update(
        DJANGO_SETTINGS_MODULE="secondment.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="example.org",
        CELERY_DATA_DIR=str(tmp_path / "celery"),
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)


def load_settings(env: dict, *names: str) -> dict:
    """Import the settings in a fresh process with ``env`` and return the named values."""
    code = (
        "import json, django\n"
        "from django.conf import settings\n"
        "django.setup()\n"
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))\n"
    )
    result = run([sys.executable, "-c", code], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_passes_with_production_settings(tmp_path):
    check = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]

    result = run(check, production_env(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_settings_refuse_to_load_without_a_secret_when_debug_is_off(tmp_path):
    env = production_env(tmp_path, DJANGO_SECRET_KEY=None)

    result = run([sys.executable, "-c", "import django; django.setup()"], env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_defaults_are_the_safe_ones(tmp_path):
    values = load_settings(
        production_env(tmp_path, DJANGO_DEBUG=None),
        "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
        "ALLOWED_HOSTS", "STORAGES",
    )

    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["ALLOWED_HOSTS"] == ["example.org"]
    assert values["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_embedded_default_is_sqlite_in_the_project_folder_and_the_filesystem_broker(tmp_path):
    values = load_settings(
        production_env(tmp_path, DJANGO_DEBUG="1", DJANGO_SECRET_KEY=None, DJANGO_ALLOWED_HOSTS=None),
        "DATABASES", "CELERY_BROKER_URL", "CELERY_BROKER_TRANSPORT_OPTIONS", "ALLOWED_HOSTS",
    )

    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(BASE_DIR / "db.sqlite3")
    assert values["CELERY_BROKER_URL"].startswith("filesystem://")
    assert values["CELERY_BROKER_TRANSPORT_OPTIONS"]["data_folder_in"] == str(tmp_path / "celery" / "queue")
    assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]


def test_database_url_and_redis_url_select_postgresql_and_redis(tmp_path):
    values = load_settings(
        production_env(
            tmp_path,
            DATABASE_URL="postgres://app:secret@db.internal:5433/secondment",
            DATABASE_CONN_MAX_AGE="120",
            REDIS_URL="redis://cache.internal:6379/2",
        ),
        "DATABASES", "CELERY_BROKER_URL",
    )

    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.internal", 5433, "secondment")
    assert database["CONN_MAX_AGE"] == 120
    assert values["CELERY_BROKER_URL"] == "redis://cache.internal:6379/2"


def test_makemigrations_finds_nothing_to_do():
    env = subprocess_env(DJANGO_SETTINGS_MODULE="secondment.test_settings")

    result = run([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"], env)

    assert result.returncode == 0, result.stdout + result.stderr


def test_language_and_time_zone_are_chinese():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


@pytest.mark.parametrize(
    "typed", ["2016-09-05", "2016/9/5", "2016/09/05", "2016年9月5日", "2016年09月05日", "2016.09.05"]
)
def test_date_fields_accept_the_dates_chinese_users_type(typed):
    with translation.override("zh-hans"):
        assert forms.DateField().clean(typed) == dt.date(2016, 9, 5)


@pytest.mark.parametrize("typed", ["2016年13月5日", "5/9/2016", "九月五日"])
def test_date_fields_refuse_what_is_not_a_date(typed):
    with translation.override("zh-hans"), pytest.raises(forms.ValidationError) as refused:
        forms.DateField().clean(typed)
    assert "有效的日期" in str(refused.value)


def test_dates_are_shown_the_chinese_way():
    with translation.override("zh-hans"):
        assert formats.date_format(dt.date(2016, 9, 5)) == "2016年9月5日"
        assert formats.date_format(dt.date(2016, 9, 5), "SHORT_DATE_FORMAT") == "2016-09-05"


def test_env_example_documents_every_variable_the_settings_read():
    import re

    source = (BASE_DIR / "secondment" / "settings.py").read_text()
    read = set(re.findall(r"""(?:os\.environ\.get|env_bool|env_list)\(\s*["']([A-Z0-9_]+)["']""", source))
    documented = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", (BASE_DIR / ".env.example").read_text(), re.MULTILINE))

    assert read, "no environment variables found in settings.py"
    assert read - documented == set(), "read by settings.py but missing from .env.example"
    assert documented - read == set(), "in .env.example but not read by settings.py"
