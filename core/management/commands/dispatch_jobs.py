from django.core.management.base import BaseCommand

from core.jobs import jobs_dispatch_pending


class Command(BaseCommand):
    help = "把代理尚未接收的后台任务重新发送（通常由 Celery beat 每分钟执行）。"

    def handle(self, *args, **options):
        sent = jobs_dispatch_pending()
        self.stdout.write(f"已发送 {sent} 个任务。")
