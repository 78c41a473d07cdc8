"""Ship the five localities' policy presets (D2) and the current year's holiday table (D3)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from programs.presets import holidays_sync, presets_sync

    presets_sync(apps.get_model("programs", "PolicyPreset"))
    holidays_sync(apps.get_model("programs", "Holiday"))


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
