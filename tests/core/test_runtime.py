"""What a production install needs: ``requirements.txt`` alone must carry every runtime
dependency, and ``manage.py check_worker`` proves a job travels through a real worker.

CI also builds a virtual environment from requirements.txt alone and runs a worker from it
(``.ci/runtime-check``); these tests keep the file honest between CI runs.
"""

import re
from importlib.metadata import requires
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from packaging.requirements import Requirement

from core.models import Job

from .brokers import DEAD_BROKER_URL, use_broker

REQUIREMENTS = Path(__file__).resolve().parents[2] / "requirements.txt"


def _runtime_requirements() -> dict[str, Requirement]:
    lines = (line.split("#", 1)[0].strip() for line in REQUIREMENTS.read_text().splitlines())
    parsed = (Requirement(line) for line in lines if line and not line.startswith("-"))
    return {re.sub(r"[-_.]+", "-", req.name).lower(): req for req in parsed}


def _extra_dependencies(package: str, extra: str) -> list[Requirement]:
    found = []
    for spec in requires(package) or []:
        req = Requirement(spec)
        if req.marker and req.marker.evaluate({"extra": extra}) and not req.marker.evaluate({"extra": ""}):
            found.append(req)
    return found


def test_every_runtime_requirement_is_pinned():
    for name, req in _runtime_requirements().items():
        assert [s.operator for s in req.specifier] == ["=="], f"{name} is not pinned to one version"


def test_the_redis_transport_has_its_dependencies_in_requirements_txt():
    """With REDIS_URL set, kombu imports its Redis transport, which needs the packages of the
    ``redis`` extra (``packaging`` among them). requirements.txt must ask for that extra and pin
    each of its packages, or a production worker cannot start."""
    pinned = _runtime_requirements()
    assert "redis" in pinned["celery"].extras, "ask for celery[redis]: it brings the transport's own dependencies"
    transport_needs = _extra_dependencies("kombu", "redis")
    assert transport_needs, "kombu declares no redis extra any more: check what the transport imports"
    for dependency in transport_needs:
        name = re.sub(r"[-_.]+", "-", dependency.name).lower()
        assert name in pinned, f"the Redis transport needs {dependency}, which requirements.txt lacks"
        version = next(iter(pinned[name].specifier)).version
        assert dependency.specifier.contains(version), f"{name}=={version} does not satisfy {dependency}"


def test_check_worker_fails_at_once_with_a_chinese_message_when_the_broker_refuses(transactional_db):
    with use_broker(DEAD_BROKER_URL), pytest.raises(CommandError, match="消息代理未接收测试任务"):
        call_command("check_worker", "--timeout", "30", stdout=StringIO())
    job = Job.objects.get(task_name="core.ping")
    assert job.status == Job.Status.PENDING and job.last_error


@pytest.mark.worker
def test_check_worker_sees_the_job_done_by_a_real_worker(redis_url, redis_queue, start_worker):
    start_worker(queue=redis_queue, broker_url=redis_url)
    out = StringIO()
    call_command("check_worker", "--timeout", "60", stdout=out)
    assert "后台任务正常" in out.getvalue()
    assert Job.objects.get(task_name="core.ping").status == Job.Status.DONE


@pytest.mark.worker
def test_check_worker_times_out_with_a_chinese_message_when_no_worker_runs(redis_url, redis_queue, transactional_db):
    with pytest.raises(CommandError, match="秒内测试任务未执行完毕"):
        call_command("check_worker", "--timeout", "1", stdout=StringIO())
