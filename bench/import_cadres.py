"""Benchmark of the cadre spreadsheet import (issue 3: 10,000 rows, confirm step under 5 s).

Generates a workbook of N cadres (valid ID numbers, Chinese names, dates as Excel date
cells, one sending unit), then times, against the database of ``DATABASE_URL``:

1. reading the workbook (hostile-file checks + openpyxl) — done in both admin steps;
2. the preview: ``import_data(dry_run=True)``;
3. the confirm: reading + ``import_data(dry_run=False)`` — what the admin's confirm step does;
4. a re-import of the unchanged file (must skip every row);
5. a plain ``bulk_create`` of the same rows (the floor: no checks, no history, no audit);
6. with ``--library-defaults``: the same rows through a django-import-export ModelResource
   with the library's defaults (row-by-row loading and saving, diff), for comparison.

Usage (PostgreSQL, a database of its own; it is migrated and the bench rows replaced):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sec_bench .venv/bin/python bench/import_cadres.py --rows 10000

Results are recorded in docs/PERFORMANCE.md.
"""

import argparse
import datetime as dt
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secondment.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdefghij")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬斌鹏辉鑫宇浩凯健俊帆帅旭宁龙林欣佳"
HEADERS = ["姓名", "性别", "身份证号", "出生日期", "民族", "籍贯", "政治面貌", "参加工作时间", "学历", "全日制", "学位",
           "派出单位", "现任职务", "职级", "领导职务", "后备干部", "联系电话"]


def id_number(index: int) -> tuple[str, dt.date, bool]:
    from programs.idnumber import id_number_check_char

    birth = dt.date(1966, 1, 1) + dt.timedelta(days=index // 400)
    sequence = index % 400 * 2 + 1 + (index % 2)  # odd = male, even = female
    first17 = f"140525{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_number_check_char(first17), birth, sequence % 2 == 1


def workbook(rows: int, unit_name: str) -> bytes:
    import openpyxl

    rng = random.Random(2026)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("干部")
    sheet.append(HEADERS)
    ranks = ["副乡科级", "正乡科级", "一般干部"]
    for index in range(rows):
        number, birth, male = id_number(index)
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        rank = ranks[index % 3]
        sheet.append([
            name, "男" if male else "女", number, dt.datetime.combine(birth, dt.time()), "汉族", "山西晋城", "中共党员",
            dt.datetime(birth.year + 22, 7, 1), "本科", "是", "学士", unit_name, "科员" if rank == "一般干部" else "副科长",
            rank, "否" if rank == "一般干部" else "是", "否", f"138{index:08d}",
        ])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def timed(label: str, results: dict, function):
    start = time.perf_counter()
    value = function()
    results[label] = time.perf_counter() - start
    print(f"{label:<48} {results[label]:7.2f} s", flush=True)
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--library-defaults", action="store_true", help="also time the library's default ModelResource")
    options = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from core.spreadsheets import spreadsheet_read
    from programs.imports.resources import CadreResource
    from programs.models import Cadre, ManagingDepartmentChange, OrgDepartment, Unit

    settings.SPREADSHEET_IMPORT_MAX_ROWS = max(settings.SPREADSHEET_IMPORT_MAX_ROWS, options.rows)
    print(f"database: {connection.vendor} {settings.DATABASES['default'].get('NAME')}; rows: {options.rows}")
    call_command("migrate", verbosity=0)
    department, _ = OrgDepartment.objects.get_or_create(
        name="基准测试县委组织部", defaults={"level": OrgDepartment.Level.COUNTY, "region": "基准测试县"}
    )
    unit, _ = Unit.objects.get_or_create(
        region="基准测试县", name="基准测试县发展和改革局",
        defaults={"level": Unit.Level.COUNTY, "kind": Unit.Kind.PARTY_GOVERNMENT, "department": department},
    )
    user = get_user_model().objects.filter(username="bench-admin").first() or get_user_model().objects.create_superuser(
        "bench-admin", password=None
    )

    def clear():
        ManagingDepartmentChange.objects.filter(cadre__sending_unit=unit).delete()
        Cadre.objects.filter(sending_unit=unit).delete()

    clear()
    results: dict[str, float] = {}
    data = timed("generate workbook", results, lambda: workbook(options.rows, unit.name))
    print(f"workbook size: {len(data) / 1024 / 1024:.1f} MB")
    dataset = timed("read (hostile-file checks + sheet reader)", results, lambda: spreadsheet_read(name="bench.xlsx", data=data))

    def run(dry_run: bool):
        resource = CadreResource(acting_user=user)
        return resource.import_data(spreadsheet_read(name="bench.xlsx", data=data) if not dry_run else dataset,
                                    dry_run=dry_run, use_transactions=True, file_name="bench.xlsx")

    preview = timed("preview: import_data(dry_run=True)", results, lambda: run(True))
    assert not preview.has_errors() and not preview.has_validation_errors(), preview.error_lines[:5]
    confirm = timed("confirm: read + import_data (the 5 s target)", results, lambda: run(False))
    assert confirm.totals["new"] == options.rows, confirm.totals
    assert Cadre.objects.filter(sending_unit=unit).count() == options.rows
    again = timed("re-import of the unchanged file: read + import", results, lambda: run(False))
    assert again.totals["skip"] == options.rows, again.totals
    print(f"  re-import skipped {again.totals['skip']} of {options.rows} rows")

    # The floor: the same rows, resolved, written by one bulk_create without any checks.
    cadres = Cadre.objects.filter(sending_unit=unit).order_by("id")
    plain = [
        Cadre(**{field.attname: getattr(cadre, field.attname) for field in Cadre._meta.concrete_fields if not field.primary_key})
        for cadre in cadres
    ]
    clear()

    def bulk():
        with transaction.atomic():
            Cadre.objects.bulk_create(plain, batch_size=1000)

    timed("plain bulk_create of the same rows", results, bulk)
    clear()

    if options.library_defaults:
        from import_export import resources

        class DefaultResource(resources.ModelResource):
            class Meta:
                model = Cadre
                import_id_fields = ["id_number"]
                fields = ("name", "gender", "id_number", "birth_date", "sending_unit", "rank", "education",
                          "political_status", "current_post", "managing_department", "work_started_on")

        rows = [
            [c.name, c.gender, c.id_number, c.birth_date, unit.pk, c.rank, c.education, c.political_status,
             c.current_post, c.managing_department_id, c.work_started_on]
            for c in plain
        ]
        import tablib

        default_data = tablib.Dataset(*rows, headers=list(DefaultResource._meta.fields))
        result = timed("library defaults (ModelResource, row by row)", results,
                       lambda: DefaultResource().import_data(default_data, dry_run=False, use_transactions=True))
        assert not result.has_errors(), result.base_errors
        clear()

    print(f"\nconfirm step: {results['confirm: read + import_data (the 5 s target)']:.2f} s for {options.rows} rows "
          f"(target < 5 s); plain bulk_create {results['plain bulk_create of the same rows']:.2f} s")


if __name__ == "__main__":
    main()
