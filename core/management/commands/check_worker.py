"""``manage.py check_worker``: send one job through the outbox and wait for a worker to finish it.

An operator runs it after an installation or upgrade, and CI runs it from a virtual environment
holding ``requirements.txt`` alone: a runtime dependency the broker's transport needs but the
requirements lack shows up here, not first in production (the Redis transport once lacked
``packaging``).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from core.jobs import job_enqueue
from core.models import Job


class Command(BaseCommand):
    help = _("经任务发件箱发送一个测试任务，等待后台任务进程（worker）执行完毕；超时或失败时以非零状态退出。")

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=60, help=_("最多等待的秒数，默认 60。"))

    def handle(self, *args, timeout: float, **options):
        with transaction.atomic():
            job = job_enqueue("core.ping", kwargs={"note": "check_worker"})
        job.refresh_from_db()
        if job.status == Job.Status.PENDING and job.last_error:
            # The after-commit send failed: the broker (or its transport) is unusable from here.
            raise CommandError(_("消息代理未接收测试任务：%(error)s") % {"error": job.last_error})
        self.stdout.write(_("已发送测试任务 %(job)s，等待执行……") % {"job": job.pk})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status == Job.Status.DONE:
                self.stdout.write(self.style.SUCCESS(_("后台任务正常：测试任务已由 worker 执行完毕。")))
                return
            if job.status == Job.Status.FAILED:
                raise CommandError(_("测试任务执行失败：%(error)s") % {"error": job.last_error or "—"})
            time.sleep(0.2)
        state = job.get_status_display()
        detail = job.last_error or _("消息代理已接收，但没有 worker 执行")
        raise CommandError(
            _("%(seconds)s 秒内测试任务未执行完毕（状态：%(state)s；%(detail)s）。请检查 worker 进程和消息代理。")
            % {"seconds": f"{timeout:g}", "state": state, "detail": detail}
        )
