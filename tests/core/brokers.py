"""Helpers for tests that point the Celery app at another broker or start a real worker.

Settings are read once into ``secondment.celery.app.conf``, and the app keeps a connection pool
and routing tables built from it, so a test that switches brokers must reset those as well.
"""

import os
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit

import kombu.pools
from django.conf import settings

from core.models import Job
from secondment.celery import app, broker_folders_create
from secondment.settings import filesystem_broker_options, redis_broker_options

BASE_DIR = Path(settings.BASE_DIR)
# Nothing listens here: a broker that is down.
DEAD_BROKER_URL = "redis://127.0.0.1:6399/0"


def unique_queue() -> str:
    """A queue of this test's own, so a worker never takes another session's messages."""
    return f"test-{uuid.uuid4().hex[:12]}"


def _reset_app_connections() -> None:
    # kombu keeps its pools in global groups keyed by URL: close and forget them all, or a
    # later send would pick up a pool closed here.
    kombu.pools.reset()
    app._pool = None
    # Queues, router and producer pool are cached on the AMQP object; rebuild it from conf.
    app.__dict__.pop("amqp", None)


@contextmanager
def use_broker(url: str, *, transport_options: dict | None = None, queue: str | None = None):
    """Send this process's tasks to ``url`` (and ``queue``) inside the block; restore afterwards.

    A Redis URL gets the transport options production uses unless others are given.
    """
    keys = ("broker_url", "broker_transport_options", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    if transport_options is None and url.startswith("redis"):
        transport_options = redis_broker_options()
    app.conf.broker_url = url
    app.conf.broker_transport_options = transport_options or {}
    if queue:
        app.conf.task_default_queue = queue
    broker_folders_create(app.conf)
    _reset_app_connections()
    try:
        yield
    finally:
        for key, value in saved.items():
            app.conf[key] = value
        _reset_app_connections()


def filesystem_broker(folder: Path) -> dict:
    """Keyword arguments of :func:`use_broker` for kombu's filesystem transport in ``folder``."""
    return {"transport_options": filesystem_broker_options(folder)}


def filesystem_messages(folder: Path) -> list[dict]:
    """The messages waiting in a filesystem broker folder, oldest first."""
    import json

    queue = folder / "queue"
    return [json.loads(path.read_bytes()) for path in sorted(queue.glob("*.msg"))] if queue.exists() else []


def redis_reachable(url: str, timeout: float = 1.0) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith((b"+PONG", b"-NOAUTH"))
    except OSError:
        return False


def database_url_for_subprocess() -> str | None:
    """The URL of the database this test session uses (the test database), for a worker process.

    None when another process cannot open it (SQLite in memory).
    """
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        credentials = quote(db.get("USER") or "", safe="")
        if db.get("PASSWORD"):
            credentials += ":" + quote(db["PASSWORD"], safe="")
        host = db.get("HOST") or "127.0.0.1"
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"
    name = str(db["NAME"])
    if db["ENGINE"].endswith("sqlite3") and "memory" not in name and name != "":
        return f"sqlite:///{name}"
    return None


def subprocess_env(**overrides: str | None) -> dict:
    """This process's environment with ``overrides``; a value of None removes the variable."""
    env = dict(os.environ)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


class Worker:
    """A real ``celery -A secondment worker`` process, consuming one queue."""

    def __init__(self, *, env: dict, queue: str, log_path: Path):
        self.queue = queue
        self.log_path = log_path
        self._log = open(log_path, "wb")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "secondment", "worker",
                "--pool=solo", "-Q", queue, "-n", f"{queue}@%h", "--loglevel=INFO",
                "--without-mingle", "--without-gossip", "--without-heartbeat",
            ],
            cwd=BASE_DIR, env=env, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.log():
                return
            if self.process.poll() is not None:
                raise AssertionError(f"the worker exited with {self.process.returncode}:\n{self.log()}")
            time.sleep(0.2)
        raise AssertionError(f"the worker was not ready after {timeout} s:\n{self.log()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # warm shutdown
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._log.close()


def wait_for_job(job: Job, status: str, *, timeout: float = 30, worker: Worker | None = None) -> Job:
    """Poll the job row until it reaches ``status``; fail with the worker's log otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == status:
            return job
        time.sleep(0.2)
    log = worker.log() if worker else ""
    raise AssertionError(
        f"job {job.pk} is {job.status} (attempts {job.attempts}, error {job.last_error!r}), "
        f"not {status}, after {timeout} s\n{log}"
    )
