"""A deduction's detail becomes data (codes and numbers) that the page words in the reader's
language: the English text written so far ("root cause: accident_management (finding 12)",
"technical, operations", "75.0% (3/4)") is read back into its codes, as JSON text the next
migration turns into a JSON column. Anything else is kept as ``{"text": ...}``."""

from __future__ import annotations

import json
import re
from typing import Any

from django.db import migrations

ROOT_CAUSE = re.compile(r"^root cause: (?P<cause>.+) \(finding (?P<finding>\d+|None)\)$")
RATE = re.compile(r"^(?P<rate>\d+(?:\.\d+)?)% \((?P<closed>\d+)/(?P<found>\d+)\)$")
PERSONS = {"principal": "principal_in_charge", "technical": "technical_in_charge", "operations": "operations_in_charge"}
BATCH = 2000


def as_data(text: str) -> dict[str, Any]:
    if not text:
        return {}
    if match := ROOT_CAUSE.match(text):
        finding = match["finding"]
        return {"root_cause": match["cause"], "finding": int(finding) if finding.isdigit() else None}
    if match := RATE.match(text):
        return {"rate": match["rate"], "closed": int(match["closed"]), "found": int(match["found"])}
    parts = text.split(", ")
    if all(part in PERSONS for part in parts):
        return {"missing": [PERSONS[part] for part in parts]}
    return {"text": text}


def as_text(data: dict[str, Any]) -> str:
    if "root_cause" in data:
        return f"root cause: {data['root_cause']} (finding {data.get('finding')})"
    if "rate" in data:
        return f"{data['rate']}% ({data['closed']}/{data['found']})"
    if "missing" in data:
        short = {field: name for name, field in PERSONS.items()}
        return ", ".join(short.get(field, field) for field in data["missing"])
    return str(data.get("text", ""))[:200]


def _rewrite(apps: Any, convert: Any) -> None:
    Deduction = apps.get_model("portraits", "Deduction")
    batch = []
    for row in Deduction.objects.only("id", "detail").order_by("id").iterator(chunk_size=BATCH):
        row.detail = convert(row.detail)
        batch.append(row)
        if len(batch) >= BATCH:
            Deduction.objects.bulk_update(batch, ["detail"])
            batch = []
    if batch:
        Deduction.objects.bulk_update(batch, ["detail"])


def forwards(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, lambda text: json.dumps(as_data(text), ensure_ascii=False))


def backwards(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, lambda text: as_text(json.loads(text) if text else {}))


class Migration(migrations.Migration):
    dependencies = [("portraits", "0002_rescorerequest")]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
