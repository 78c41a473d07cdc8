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
    "DJANGO_DEMO", "DJANGO_DEMO_SECRET_FILE", "DJANGO_CSRF_TRUSTED_ORIGINS",
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


# --- demo mode (`make run`) ----------------------------------------------------------------------


def demo_env(tmp_path, **overrides) -> dict:
    """What `make run` sets: DJANGO_DEMO and nothing else; the secret goes to the test's folder."""
    values = {
        "DJANGO_DEBUG": None, "DJANGO_SECRET_KEY": None, "DJANGO_ALLOWED_HOSTS": None, "DJANGO_DEMO": "1",
        "DJANGO_DEMO_SECRET_FILE": str(tmp_path / "var" / "demo-secret-key"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
    }
    return production_env(tmp_path, **{**values, **overrides})


def test_demo_mode_is_debug_off_and_plain_http_on_the_loopback_address(tmp_path):
    values = load_settings(
        demo_env(tmp_path),
        "DEBUG", "DEMO_MODE", "ALLOWED_HOSTS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "STORAGES", "WHITENOISE_USE_FINDERS", "MIDDLEWARE",
    )

    assert values["DEBUG"] is False and values["DEMO_MODE"] is True
    assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert values["SESSION_COOKIE_SECURE"] is values["CSRF_COOKIE_SECURE"] is values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    # Static files straight from the apps through WhiteNoise: no collectstatic, no manifest.
    assert values["STORAGES"]["staticfiles"]["BACKEND"] == "django.contrib.staticfiles.storage.StaticFilesStorage"
    assert values["WHITENOISE_USE_FINDERS"] is True
    assert values["MIDDLEWARE"][0] == "core.middleware.LoopbackOnlyMiddleware"


def test_demo_mode_generates_its_secret_once_readable_by_its_owner_only(tmp_path):
    env = demo_env(tmp_path)
    secret_file = tmp_path / "var" / "demo-secret-key"

    first = load_settings(env, "SECRET_KEY")["SECRET_KEY"]

    assert secret_file.read_text().strip() == first and len(first) >= 50
    assert secret_file.stat().st_mode & 0o777 == 0o600
    assert load_settings(env, "SECRET_KEY")["SECRET_KEY"] == first
    assert load_settings(demo_env(tmp_path / "other"), "SECRET_KEY")["SECRET_KEY"] != first


def test_production_settings_never_touch_the_demo_secret(tmp_path):
    load_settings(production_env(tmp_path, DJANGO_DEMO_SECRET_FILE=str(tmp_path / "demo-secret-key")), "SECRET_KEY")

    assert not (tmp_path / "demo-secret-key").exists()


@pytest.mark.parametrize("overrides, named", [
    ({"DJANGO_ALLOWED_HOSTS": "ganbu.example.gov.cn"}, "DJANGO_ALLOWED_HOSTS"),
    ({"DJANGO_ALLOWED_HOSTS": "127.0.0.1,192.168.1.20"}, "DJANGO_ALLOWED_HOSTS"),
    ({"DJANGO_CSRF_TRUSTED_ORIGINS": "https://ganbu.example.gov.cn"}, "DJANGO_CSRF_TRUSTED_ORIGINS"),
    ({"DJANGO_DEBUG": "1"}, "DJANGO_DEBUG"),
], ids=["production host", "LAN address", "production origin", "debug"])
def test_demo_mode_refuses_to_load_with_production_hosts_or_debug(tmp_path, overrides, named):
    result = run([sys.executable, "-c", "import django; django.setup()"], demo_env(tmp_path, **overrides))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_DEMO" in result.stderr and named in result.stderr


def test_demo_mode_shows_no_debug_page_and_answers_this_machine_only(tmp_path):
    code = (
        "import json, django\n"
        "django.setup()\n"
        "from django.test import Client\n"
        "local = Client(HTTP_HOST='127.0.0.1:8000').get('/no-such-page/')\n"
        "remote = Client(HTTP_HOST='127.0.0.1:8000', REMOTE_ADDR='192.168.1.20').get('/no-such-page/')\n"
        "print(json.dumps({'local': [local.status_code, local.content.decode()],"
        " 'remote': [remote.status_code, remote.content.decode()]}))\n"
    )
    result = run([sys.executable, "-c", code], demo_env(tmp_path))
    assert result.returncode == 0, result.stderr
    pages = json.loads(result.stdout.strip().splitlines()[-1])

    status, body = pages["local"]
    assert status == 404
    for debug_page in ("DEBUG = True", "Using the URLconf", "Django tried these URL patterns", "Traceback"):
        assert debug_page not in body
    assert pages["remote"][0] == 403


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
