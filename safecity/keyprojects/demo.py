"""Demo step: the "1+29" list and the 2023 key-project plan (issue 5: 84 projects, 67 completed,
the rest on their time-based schedule (达到时序进度) at the cut-off date 2023-12-20).

The projects are created through the services; the reporting history is written in bulk through
the audited querysets. The status is never stored: 67 projects reported every milestone done
before the cut-off; 17 have their last milestone on 2023-12-31 and reported it ahead of the
time-based schedule. ``safecity figures --year 2023`` computes 84 / 67 / 17 from these records.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from safecity.core import services as core_services
from safecity.core.demo import register_step
from safecity.core.models import Organisation, Person, Region
from safecity.keyprojects import services
from safecity.keyprojects.demo_data import HOUSING, PROJECTS
from safecity.keyprojects.models import ProgressEvidence, ProgressReport, SubSystem
from safecity.keyprojects.services.plans import MilestoneInput

YEAR, AS_OF, ON_SCHEDULE = 2023, date(2023, 12, 20), 17
DISTRICTS = ["320402", "320404", "320411", "320412", "320413", "320481", "320491"]
STAGES = [
    ("制定实施方案", "完成调研并印发实施方案"),
    ("组织推进实施", "完成年度任务量的一半"),
    ("全面完成建设任务", "完成全部建设任务"),
    ("总结验收", "完成验收并形成总结报告"),
]


def _pdf(text: str) -> bytes:
    """A one-page PDF with an ASCII line (evidence placeholder of the demo, a few hundred bytes)."""
    stream = f"BT /F1 12 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _milestones(rng: random.Random, start: date, last: date, count: int) -> list[MilestoneInput]:
    """``count`` milestones from after ``start`` to ``last`` at month ends, weights summing to 100."""
    span = (last - start).days
    dates = []
    for i in range(1, count + 1):
        day = start + timedelta(days=span * i // count)
        dates.append(day)
    dates[-1] = last
    weights = [rng.choice([15, 20, 25]) for _ in range(count - 1)]
    weights.append(100 - sum(weights))
    stages = STAGES[:count] if count == 4 else [STAGES[0], STAGES[1], STAGES[3]]
    return [MilestoneInput(stages[i][0], dates[i], weights[i]) for i in range(count)]


@register_step("keyprojects.2023", order=50)
def build(rng: random.Random, admin: Any) -> None:
    services.subsystems_seed()
    plan = services.plan_create(
        actor=admin,
        year=YEAR,
        title="2023年度市域公共安全体系建设重点项目",
        as_of=AS_OF,
        behind_points=5,
        seriously_behind_points=15,
        reminder_days=7,
    )
    sub_systems = {s.code: s for s in SubSystem.objects.all()}
    departments = {o.name: o for o in Organisation.objects.filter(name__in={lead for _c, lead, _n in PROJECTS})}
    cooperators = list(Organisation.objects.filter(kind="government_department", region__code="320400").order_by("name"))
    regions = {r.code: r for r in Region.objects.filter(code__in=[*DISTRICTS, "320400"])}
    # One liaison per lead department reports the progress (the housing bureau's is the demo account).
    reporters: dict[int, Person | None] = {}
    for org in departments.values():
        person = Person.objects.filter(organisation=org, roles__role="department_officer").first()
        if person is None:
            person = core_services.person_create(
                actor=admin,
                name=f"{org.short_name or org.name.removeprefix('常州市')[:4]}联络员",
                organisation=org,
                title="重点项目联络员",
            )
        reporters[org.pk] = person
    candidates = [i for i, (_c, lead, _n) in enumerate(PROJECTS) if i >= 3 and lead != HOUSING]
    on_schedule = set(rng.sample(candidates, ON_SCHEDULE - 1)) | {24}  # 24: 瓶改管、瓶改电示范街区 (housing)

    reports: list[ProgressReport] = []
    evidence_for: list[tuple[int, str]] = []
    for index, (code, lead_name, name) in enumerate(PROJECTS):
        lead = departments[lead_name]
        start = date(YEAR, rng.randint(1, 3), rng.randint(1, 28))
        if index in on_schedule:
            last = date(YEAR, 12, 31)
        else:
            last = date(YEAR, rng.randint(6, 11), 28) if rng.random() < 0.8 else date(YEAR, 12, rng.randint(5, 15))
        milestones = _milestones(rng, start, last, rng.choice([3, 4]))
        if code == "00" or rng.random() < 0.15:
            districts = [regions["320400"]]
        else:
            districts = [regions[c] for c in sorted(rng.sample(DISTRICTS, rng.randint(1, 3)))]
        project = services.project_create(
            actor=admin,
            plan=plan,
            sequence=index + 1,
            name=name,
            sub_system=sub_systems[code],
            lead_department=lead,
            cooperating_departments=[c for c in rng.sample(cooperators, rng.randint(0, 2)) if c.pk != lead.pk],
            districts=districts,
            goal=f"{YEAR}年底前{name}，形成可复制推广的经验做法。",
            budget=Decimal(rng.randint(5, 300) * 10),
            deliverables="实施方案；阶段进展报告；验收总结报告",
            start_date=start,
            milestones=milestones,
        )
        stored = list(project.milestones.order_by("planned_date"))
        reporter = reporters[lead.pk]
        for position, milestone in enumerate(stored):
            final = position == len(stored) - 1
            if index in on_schedule and final:
                # Reported ahead of the time-based schedule at the cut-off date.
                reports.append(
                    ProgressReport(
                        project=project,
                        milestone=milestone,
                        reporter=reporter,
                        reported_on=date(YEAR, 12, 1),
                        completion=60,
                        note="按计划推进",
                    )
                )
                reports.append(
                    ProgressReport(
                        project=project,
                        milestone=milestone,
                        reporter=reporter,
                        reported_on=date(YEAR, 12, 15),
                        completion=90,
                        note="主体工作基本完成，正在收尾",
                    )
                )
                continue
            previous = stored[position - 1].planned_date if position else start
            middle = previous + (milestone.planned_date - previous) / 2
            reports.append(
                ProgressReport(
                    project=project,
                    milestone=milestone,
                    reporter=reporter,
                    reported_on=middle,
                    completion=rng.choice([40, 50, 60]),
                    note="按节点推进",
                )
            )
            done_on = milestone.planned_date - timedelta(days=rng.randint(0, 6))
            reports.append(
                ProgressReport(
                    project=project,
                    milestone=milestone,
                    reporter=reporter,
                    reported_on=done_on,
                    completion=100,
                    note=f"{milestone.name}已完成",
                )
            )
            if final:
                evidence_for.append((len(reports) - 1, f"keyprojects/demo/{YEAR}-{index + 1:03d}.pdf"))
    created = ProgressReport.objects.bulk_create(reports)
    evidence = []
    for position, path in evidence_for:
        if not default_storage.exists(path):
            default_storage.save(path, ContentFile(_pdf(f"SafeCity demo evidence {path.rsplit('/', 1)[-1]}")))
        evidence.append(
            ProgressEvidence(report=created[position], file=path, content_type="application/pdf", size=default_storage.size(path))
        )
    ProgressEvidence.objects.bulk_create(evidence)
