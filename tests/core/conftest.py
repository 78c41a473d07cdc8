import os

import pytest

from .brokers import (
    Worker,
    database_url_for_subprocess,
    filesystem_broker,
    redis_reachable,
    subprocess_env,
    unique_queue,
    use_broker,
)


@pytest.fixture
def fs_broker(tmp_path):
    """kombu's filesystem transport in a folder of this test's own, on a queue of its own."""
    folder = tmp_path / "broker"
    queue = unique_queue()
    with use_broker("filesystem://", queue=queue, **filesystem_broker(folder)):
        yield folder


@pytest.fixture
def redis_url():
    """The Redis the worker tests use (``REDIS_URL``); skipped when there is none."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        pytest.skip("REDIS_URL is not set: the real-worker tests need Redis (.ci/run sets it)")
    if not redis_reachable(url):
        pytest.skip(f"Redis at {url} does not answer")
    return url


@pytest.fixture
def redis_queue(redis_url):
    """This process sends to Redis on a queue of the test's own; the queue is deleted afterwards."""
    queue = unique_queue()
    with use_broker(redis_url, queue=queue):
        yield queue
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    finally:
        client.close()


@pytest.fixture
def start_worker(transactional_db, tmp_path):
    """Start a real Celery worker against the test database; it is always stopped afterwards.

    Requesting ``transactional_db`` makes the worker stop before the tables are flushed, and
    makes the rows the test writes committed, so the worker process sees them.
    """
    database_url = database_url_for_subprocess()
    if database_url is None:
        pytest.skip("the test database is SQLite in memory, which a worker process cannot open; "
                    "set DATABASE_URL to PostgreSQL")
    workers = []

    def start(*, queue: str, broker_url: str | None) -> Worker:
        env = subprocess_env(
            DJANGO_SETTINGS_MODULE="secondment.test_settings",
            DATABASE_URL=database_url,
            REDIS_URL=broker_url,
            CELERY_DATA_DIR=str(tmp_path / "worker-celery"),
        )
        worker = Worker(env=env, queue=queue, log_path=tmp_path / f"worker-{len(workers)}.log")
        workers.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in workers:
        worker.stop()
