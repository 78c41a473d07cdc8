"""Benchmark of the portal and admin pages of daily management and reports (issues 4 and 5):
time and SQL queries per page.

Every portal page carries the navigation badge (what waits for the user), so its cost is in
every figure here. Runs against the database of ``DATABASE_URL`` with the demo data
(``seed_demo`` is run first; it is idempotent), through Django's test client — the whole
request: middleware, sessions, views, templates — without a network in between.

Usage (PostgreSQL, a database of its own):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sec_bench .venv/bin/python bench/portal_pages.py --repeat 20

Results are recorded in docs/PERFORMANCE.md.
"""

import argparse
import statistics
import time

from demo_database import demo_database_ready


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="requests per page (after one warm-up)")
    args = parser.parse_args()

    demo_database_ready()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from daily.models import LeaveRequest
    from programs.models import Placement
    from reports.models import Report

    users = {u.username: u for u in get_user_model().objects.all()}
    own = Placement.objects.get(cadre__user=users["cadre"], status=Placement.Status.ACTIVE)
    leave = LeaveRequest.objects.filter(placement=own).order_by("-pk").first()
    own_reports = Report.objects.filter(placement=own)
    submitted = own_reports.filter(status=Report.Status.SUBMITTED).order_by("due_date").first()
    drafted = own_reports.filter(status=Report.Status.PENDING, draft_saved_at__isnull=False).first()
    pages = [
        ("host unit home (approver)", "hostunit", reverse("portal:home")),
        ("host unit: leave list, waiting", "hostunit", reverse("daily:leave_list") + "?waiting=on"),
        ("host unit: leave detail", "hostunit", reverse("daily:leave_detail", args=[leave.pk])),
        ("host unit: attendance list", "hostclerk", reverse("daily:attendance_list")),
        ("cadre home", "cadre", reverse("portal:home")),
        ("cadre: per-placement timeline", "cadre", reverse("portal:placement_detail", args=[own.pk])),
        ("cadre: duties page", "cadre", reverse("duties:placement_duties", args=[own.pk])),
        ("city staff: portal placement list", "orgstaff", reverse("portal:placement_list")),
        ("county staff: admin leave list", "countystaff", reverse("admin:daily_leaverequest_changelist")),
        ("county staff: admin inspections", "countystaff", reverse("admin:daily_inspection_changelist")),
        ("cadre: report list", "cadre", reverse("reports:list")),
        ("cadre: report editor (draft)", "cadre", reverse("reports:edit", args=[drafted.pk])),
        ("host unit: submitted report + comment", "hostunit", reverse("reports:detail", args=[submitted.pk])),
        ("county staff: admin report list", "countystaff", reverse("admin:reports_report_changelist")),
        ("county staff: admin reports, late", "countystaff", reverse("admin:reports_report_changelist") + "?late=1"),
        ("county staff: report print view", "countystaff", reverse("admin:reports_report_print", args=[submitted.pk])),
    ]
    print(f"database: {connection.vendor}; {Placement.objects.count()} placements, "
          f"{LeaveRequest.objects.count()} leave requests, {Report.objects.count()} reports; {args.repeat} requests per page after a warm-up")
    print(f"{'page':38} {'median ms':>10} {'p90 ms':>8} {'queries':>8}")
    for label, username, url in pages:
        client = Client()
        client.force_login(users[username])
        response = client.get(url)
        assert response.status_code == 200, (label, response.status_code)
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p90 = timings[min(len(timings) - 1, int(len(timings) * 0.9))]
        print(f"{label:38} {statistics.median(timings):10.1f} {p90:8.1f} {len(queries):8d}")


if __name__ == "__main__":
    main()
