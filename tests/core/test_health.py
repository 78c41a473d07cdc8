"""GET /healthz: 200 when the database and the broker answer, 503 otherwise."""

from unittest import mock

from django.db import OperationalError

from .brokers import DEAD_BROKER_URL, unique_queue, use_broker


def test_healthz_answers_200_with_database_and_broker_ok(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True


def test_healthz_answers_200_on_the_filesystem_broker_of_the_embedded_default(client, db, fs_broker):
    body = client.get("/healthz").json()

    assert body["broker"] == {"ok": True, "transport": body["broker"]["transport"]}
    assert "filesystem" in body["broker"]["transport"]


def test_healthz_answers_503_when_the_broker_is_unreachable(client, db, settings):
    settings.CELERY_BROKER_URL = DEAD_BROKER_URL
    with use_broker(DEAD_BROKER_URL, queue=unique_queue()):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is False
    assert body["broker"]["error"]


def test_healthz_answers_503_when_the_database_fails(client, db):
    with mock.patch("core.views.connection") as connection:
        connection.cursor.side_effect = OperationalError("connection refused")
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == {"ok": False, "error": "OperationalError"}
    assert body["broker"]["ok"] is True


def test_healthz_needs_no_login_and_only_answers_get(client, db):
    assert client.post("/healthz").status_code == 405
