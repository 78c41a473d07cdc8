"""Fill years the pinned holiday library carries and the table has no schedule for (D3).

Run after upgrading the ``holidays`` package: a newly published year is added without touching
rows staff entered, and pending leave over that year is recounted.
"""

from django.core.management.base import BaseCommand

from programs.holiday_schedule import holidays_fill_library


class Command(BaseCommand):
    help = "从节假日数据库补录尚未录入的年度节假日安排（不覆盖已有的行）。"

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="*", type=int, help="只补录这些年份（默认：数据库中有的全部年份）")

    def handle(self, *args, years, **options):
        results = holidays_fill_library(years=years or None)
        for entered in results:
            self.stdout.write(f"{entered.record.year}年：新增 {entered.added} 天（{entered.record.reference}）")
            for line in entered.follow_up:
                self.stdout.write(f"  {line}")
        if not results:
            self.stdout.write("没有需要补录的年份。")
