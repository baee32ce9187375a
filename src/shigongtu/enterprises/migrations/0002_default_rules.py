"""The eligibility thresholds of domain brief §7 as editable rule rows (认定条件)."""

from typing import Any

from django.db import migrations


def add_rules(apps: Any, schema_editor: Any) -> None:
    from shigongtu.enterprises.rules.eligibility import DEFAULT_CRITERIA

    TierRule = apps.get_model("enterprises", "TierRule")
    for sort, c in enumerate(DEFAULT_CRITERIA):
        TierRule.objects.get_or_create(tier=c.tier, code=c.code, defaults={
            "label": c.label, "label_en": c.label_en, "metric": c.metric, "op": c.op, "value": c.value,
            "band_min": c.band_min, "band_max": c.band_max, "sort": sort})


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]
    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
