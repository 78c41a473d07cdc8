"""``manage.py seed_demo``: the demo of D9, built through the services. Idempotent.

The demo's accounts share a published password and must never reach a real installation, so
the guard is keyed on the data, not on settings: a database holding any account the demo did
not create is refused unless ``--force``. Even forced, the demo writes and changes only rows it
created itself (``programs.demo.registry``) and refuses to take over a record named like one of
its own. Its dates are relative to the day of its first run (``programs.demo.days``); later runs
keep that day, so they find everything and add nothing.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from daily.demo import supervision_seed
from daily.demo_leave import leave_seed
from duties.demo import duties_seed
from programs.demo import hangzhou2006
from programs.demo.builder import DemoBuilder, DemoPlan
from programs.demo.registry import DemoRegistry
from programs.models import (
    Cadre,
    HostPost,
    OrgDepartment,
    Placement,
    Program,
    ResumeEntry,
    Unit,
)
from reports.demo import reports_seed
from selection.demo import selections_seed


class Command(BaseCommand):
    help = _("生成演示数据：五地组织部和单位、200余名干部、各地挂职项目和各状态的挂职安排、演示账号。可重复运行。")

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true",
            help=_("数据库中已有不是演示数据创建的账号时也写入演示数据。演示账号使用公开密码，慎用。"),
        )

    def handle(self, *args, force: bool = False, **options):
        started = time.monotonic()
        with transaction.atomic():
            registry = DemoRegistry()
            foreign = registry.foreign_users().count()
            if foreign and not force:
                raise CommandError(
                    _("数据库中有 %(count)d 个账号不是演示数据创建的，这可能是正式数据库。演示账号使用公开的密码，"
                      "为防止它们进入正式系统，已拒绝生成演示数据。要看演示，请使用一个空数据库（例如删除 db.sqlite3 后"
                      "重新运行 make run）；确认这是演示或测试用的数据库时，可加 --force 参数（make run 时为"
                      "make run SEED_DEMO_ARGS=--force；演示数据只写入和改动它自己创建的记录）。") % {"count": foreign}
                )
            today = registry.day
            builder = DemoBuilder(DemoPlan(today), registry)
            clashes = builder.clashes()
            if clashes:
                raise CommandError(
                    _("数据库中已有与演示数据同名的记录，它们不是演示数据创建的，演示数据不会接管或改动它们："
                      "%(records)s（共 %(count)d 条）。请使用一个空数据库生成演示数据。")
                    % {"records": "、".join(clashes[:5]) + ("……" if len(clashes) > 5 else ""), "count": len(clashes)}
                )
            result = builder.build()
            selections = selections_seed(registry=registry, today=today)
            daily = {**leave_seed(registry=registry, today=today), **supervision_seed(registry=registry, today=today),
                     **duties_seed(registry=registry, today=today)}
            reports = reports_seed(registry=registry, today=today)
            registry.flush()
        elapsed = time.monotonic() - started
        self._report(result, elapsed, registry)
        self._demo_day(today)
        self.stdout.write(
            _("选派工作：本次新建 %(selections)d 个（报名 %(applications)d 人，岗位需求 %(requests)d 条）；"
              "泽州县第二批报名已截止、派出单位已推荐，可确定初步人选；晋城市上挂正在报名；江东区第一批在需求调研阶段。")
            % {"selections": selections["selections"], "applications": selections["applications"],
               "requests": selections["demand requests"]}
        )
        daily_labels = {
            "leave requests": _("请假"), "inspections": _("巡查"), "checks": _("查岗结果"), "violations": _("违规记录"),
            "attendance months": _("月度考勤"), "contacts": _("联系走访"), "problems": _("反映问题"),
            "exchange meetings": _("经验交流会"), "owned cases": _("包案"), "feedback cards": _("信息反馈卡"),
            "early warnings": _("苗头性事件"), "training records": _("培训记录"), "party branches": _("临时党支部"),
            "party relations": _("组织关系转接"),
        }
        made = [f"{daily_labels[key]} {n}" for key, n in daily.items() if n]
        self.stdout.write(
            _("日常管理：本次新建 %(items)s。") % {"items": "、".join(made)} if made else _("日常管理：演示数据已完整。")
        )
        report_labels = {"reports": _("排定报告"), "versions": _("提交版本"), "reviews": _("评阅审核"), "drafts": _("草稿")}
        made = [f"{report_labels[key]} {n}" for key, n in reports.items() if n]
        self.stdout.write(
            _("书面报告：本次新建 %(items)s。") % {"items": "、".join(made)} if made else _("书面报告：演示数据已完整。")
        )

    def _demo_day(self, day) -> None:
        today = timezone.localdate()
        if day >= today:
            self.stdout.write(_("演示数据的日期以 %(day)s 为准。") % {"day": f"{day:%Y-%m-%d}"})
        else:
            self.stdout.write(self.style.WARNING(
                _("演示数据的日期以首次生成之日（%(day)s）为准，至今已过 %(days)d 天，请假、报告等的状态可能与说明不同。"
                  "要以今天为准，请使用一个空数据库重新生成（例如删除 db.sqlite3 后重新运行 make run）。")
                % {"day": f"{day:%Y-%m-%d}", "days": (today - day).days}
            ))

    def _report(self, result, elapsed: float, registry: DemoRegistry) -> None:
        labels = {
            "departments": _("组织部"), "units": _("单位"), "users": _("账号"), "role assignments": _("角色"),
            "cadres": _("干部"), "résumé lines": _("简历"), "programs": _("挂职项目"), "host posts": _("岗位"),
            "placements": _("挂职安排"), "mentors": _("帮带责任人"), "target letters": _("目标管理责任书"),
        }
        created = [f"{labels[key]} {n}" for key, n in result.created.items() if n]
        write = self.stdout.write
        write(self.style.SUCCESS(_("演示数据已就绪（用时 %(seconds).1f 秒）。") % {"seconds": elapsed}))
        write(_("本次新建：%(items)s。") % {"items": "、".join(created)} if created else _("本次未新建任何数据：演示数据已完整。"))

        by_status = dict(Placement.objects.values_list("status").annotate(n=Count("pk")))
        statuses = "、".join(f"{status.label} {by_status.get(status.value, 0)}" for status in Placement.Status)
        write(
            _("现有：组织部 %(departments)d 个，单位 %(units)d 个，干部 %(cadres)d 名（简历 %(resume)d 条），"
              "挂职项目 %(programs)d 个，岗位 %(posts)d 个，挂职安排 %(placements)d 条（%(statuses)s）。")
            % {
                "departments": OrgDepartment.objects.count(), "units": Unit.objects.count(),
                "cadres": Cadre.objects.count(), "resume": ResumeEntry.objects.count(),
                "programs": Program.objects.count(), "posts": HostPost.objects.count(),
                "placements": sum(by_status.values()), "statuses": statuses,
            }
        )
        for program in Program.objects.select_related("organising_department", "policy__preset").annotate(
            n=Count("placements")
        ).order_by("organising_department__path", "-year"):
            preset = program.policy.preset.name if program.policy.preset else "—"
            write(
                _("  %(program)s · %(type)s · %(department)s · 模板：%(preset)s · 挂职安排 %(n)d 条")
                % {"program": program, "type": program.get_secondment_type_display(),
                   "department": program.organising_department, "preset": preset, "n": program.n}
            )

        batch = registry.get(Program, "program:hangzhou_2006")
        if batch:
            c = hangzhou2006.batch_composition(
                Cadre.objects.filter(placements__program=batch).distinct(), batch.reference_date
            )
            write(
                _("杭州市2006年批次：%(total)d 人，中共党员 %(party_members)d 人，市管后备干部 %(city_reserve)d 人，"
                  "副处以上 %(county_deputy_or_above)d 人；本科以上 %(university)d 人，其中硕士 %(masters)d 人、"
                  "博士 %(doctors)d 人；1970年以后出生 %(born_1970_or_later)d 人，最年轻的 %(youngest_birth_year)s 年出生，"
                  "平均年龄 %(average_age)s 岁。") % c
            )

        write(_("演示账号（密码均为 %(password)s）：") % {"password": settings.DEMO_PASSWORD})
        for account in result.accounts:
            write(f"  {account.username:<13}{account.description}")
