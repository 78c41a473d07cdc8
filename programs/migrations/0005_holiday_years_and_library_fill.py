"""Holiday rows say where they came from; a year's schedule is recorded as entered (D3).

The shipped 2026 rows came from the State Council notice; rows staff added stay theirs. Past
years are filled from the pinned holiday library, adding only days the table lacks.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def forwards(apps, schema_editor):
    from django.utils import timezone

    from programs.holiday_library import library_years
    from programs.presets import HOLIDAYS_2026, HOLIDAYS_2026_REFERENCE, holidays_fill_from_library

    Holiday = apps.get_model("programs", "Holiday")
    HolidayYear = apps.get_model("programs", "HolidayYear")
    now = timezone.now()
    shipped = [(day, kind, name) for name, kind, days in HOLIDAYS_2026 for day in days]
    for day, kind, name in shipped:
        Holiday.objects.filter(date=day, kind=kind, name=name).update(source="notice")
    if Holiday.objects.filter(date__year=2026, source="notice").exists():
        HolidayYear.objects.get_or_create(
            year=2026, defaults={"source": "notice", "reference": HOLIDAYS_2026_REFERENCE, "entered_at": now}
        )
    holidays_fill_from_library(Holiday, HolidayYear, years=library_years(), entered_at=now)


class Migration(migrations.Migration):

    dependencies = [
        ('programs', '0004_unit_comprehensive_department'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='holiday',
            options={'ordering': ['date'], 'permissions': [('manage_holidays', '可维护全国节假日表')], 'verbose_name': '节假日', 'verbose_name_plural': '节假日'},
        ),
        migrations.AddField(
            model_name='holiday',
            name='source',
            field=models.CharField(choices=[('library', '节假日数据库'), ('notice', '国务院通知'), ('staff', '工作人员录入')], default='staff', max_length=10, verbose_name='来源'),
        ),
        migrations.CreateModel(
            name='HolidayYear',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(unique=True, verbose_name='年度')),
                ('source', models.CharField(choices=[('library', '节假日数据库'), ('notice', '国务院通知'), ('staff', '工作人员录入')], max_length=10, verbose_name='来源')),
                ('reference', models.CharField(blank=True, help_text='通知文号或数据库版本。', max_length=200, verbose_name='依据')),
                ('entered_at', models.DateTimeField(verbose_name='录入时间')),
                ('entered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='录入人')),
            ],
            options={
                'verbose_name': '年度节假日安排',
                'verbose_name_plural': '年度节假日安排',
                'ordering': ['-year'],
            },
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
