"""Benchmark of the daily report jobs (issue 5): the schedule safety net and the reminders.

On the demo data (``seed_demo`` first; idempotent), copied ``--scale`` times over so the figures
speak for a larger province, it times:

- ``reports.schedule_all`` from nothing (every report of every active placement created) and
  again when all is in line (the nightly case: nothing changes);
- ``reports.send_reminders`` for every day of a year: the median and worst day, and running the
  same day twice (the second run must send nothing).

Everything is written inside one transaction that is rolled back at the end, so the database
is left as it was.

Usage (PostgreSQL, a database of its own):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sec_bench .venv/bin/python bench/report_jobs.py --scale 10

Results are recorded in docs/PERFORMANCE.md.
"""

import argparse
import datetime as dt
import logging
import statistics
import time

from demo_database import demo_database_ready


class Rollback(Exception):
    pass


def copy_active_placements(times: int) -> int:
    """Copies of the active placements, each for a new cadre, so the jobs have more to do."""
    from programs.models import Cadre, Placement

    originals = list(Placement.objects.filter(status=Placement.Status.ACTIVE).select_related("cadre"))
    made = 0
    for copy in range(1, times):
        for placement in originals:
            cadre = placement.cadre
            clone = Cadre.objects.get(pk=cadre.pk)
            clone.pk = None
            clone.user = None
            clone.name = f"{cadre.name}{copy}"
            clone.id_number = f"{900 + copy:03d}{cadre.pk:014d}0"  # the format only; save() does not validate
            clone.save()
            placement_copy = Placement.objects.get(pk=placement.pk)
            placement_copy.pk = None
            placement_copy.cadre = clone
            placement_copy.save()
            made += 1
    return made


def timed(call):
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10, help="how many times the active placements are there")
    args = parser.parse_args()

    logging.getLogger("reports").setLevel(logging.WARNING)
    demo_database_ready()
    from django.db import connection, transaction

    from programs.models import Placement
    from reports.models import Report, ReportReminder
    from reports.services.reminders import reports_remind
    from reports.tasks import schedule_all

    try:
        with transaction.atomic():
            copies = copy_active_placements(args.scale)
            active = Placement.objects.filter(status=Placement.Status.ACTIVE)
            Report.objects.filter(placement__in=active).delete()
            changed, first = timed(schedule_all)
            reports = Report.objects.filter(placement__in=active).count()
            unchanged, again = timed(schedule_all)
            print(f"database: {connection.vendor}; {active.count()} active placements ({copies} copied), "
                  f"{reports} of their reports")
            print(f"schedule_all from nothing: {first:6.2f} s ({changed} placements changed)")
            print(f"schedule_all, all in line: {again:6.2f} s ({unchanged} placements changed)")

            start = min(Report.objects.filter(placement__in=active).values_list("due_date", flat=True))
            start -= dt.timedelta(days=7)
            days = [start + dt.timedelta(days=n) for n in range(366)]
            timings, sent_total, busiest = [], 0, (0, 0.0, None)
            for day in days:
                sent, seconds = timed(lambda day=day: reports_remind(today=day))
                timings.append(seconds)
                sent_total += sent
                if sent > busiest[0]:
                    busiest = (sent, seconds, day)
            timings.sort()
            print(f"send_reminders over {len(days)} days from {start}: {sent_total} reminders, "
                  f"{ReportReminder.objects.count()} rows")
            print(f"  per day: median {statistics.median(timings) * 1000:7.1f} ms, "
                  f"worst {timings[-1] * 1000:7.1f} ms")
            sent, day, seconds = busiest[0], busiest[2], busiest[1]
            print(f"  busiest day {day}: {sent} reminders in {seconds * 1000:.1f} ms")
            again_sent, again_seconds = timed(lambda: reports_remind(today=day))
            print(f"  the busiest day run again: {again_sent} sent in {again_seconds * 1000:.1f} ms")
            raise Rollback
    except Rollback:
        print("(rolled back)")


if __name__ == "__main__":
    main()
