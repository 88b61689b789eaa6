"""Demo step: risk registries for the demo enterprises, and hidden hazards in every state.

Runs after the starter dictionary (riskdict.starter). Hazards of 2023 went through the whole
lifecycle (most accepted); this year's are spread over every state, some past their deadline.
Every request for acceptance carries its rectification photo and every major acceptance its
acceptance record, as the lifecycle requires; ``hazards.evidence`` gives the same to the hazards
other steps write in bulk.
"""

from __future__ import annotations

import base64
import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safecity.core import services as core_services
from safecity.core.choices import OrganisationKind
from safecity.core.demo import register_step
from safecity.core.models import Organisation, Person
from safecity.hazards import services
from safecity.hazards.assessment import LEC_C, LEC_E, LEC_L
from safecity.hazards.choices import (
    AssessmentMethod,
    EvidenceStage,
    HazardLevel,
    HazardSource,
    HazardState,
    HazardType,
    RiskObjectKind,
)
from safecity.hazards.models import HazardEvidence, HazardTransition, HiddenHazard
from safecity.riskdict.models import DictionaryVersion, RiskEntry

DESCRIPTIONS = [
    ("储罐区可燃气体检测报警器未定期标定", HazardType.INSTRUMENT),
    ("反应釜安全阀校验过期", HazardType.EQUIPMENT),
    ("装卸站台静电接地报警器失效", HazardType.ELECTRICAL),
    ("动火作业票未落实气体分析", HazardType.SAFETY),
    ("受限空间作业未设监护人", HazardType.SAFETY),
    ("消防泵房备用泵无法自动启动", HazardType.FIRE),
    ("防火堤内堆放杂物", HazardType.LAYOUT),
    ("DCS 报警值设定与操作规程不一致", HazardType.PROCESS),
    ("紧急切断阀未纳入 SIS 联锁测试", HazardType.INSTRUMENT),
    ("配电室防小动物挡板缺失", HazardType.ELECTRICAL),
    ("应急预案未按期演练", HazardType.SAFETY),
    ("压力管道未按期定期检验", HazardType.EQUIPMENT),
]
ENTRY_KEYWORDS = ["储罐", "反应", "装卸", "动火", "受限", "粉尘"]


# The demo's evidence files: a small photo of the fixed installation and the acceptance record.
RECTIFICATION_PHOTO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR42mPQ6w7HihiGlgQAiA5EAelMnMUAAAAASUVORK5CYII="
)
ACCEPTANCE_RECORD = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n"
    b"3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]>> endobj\n"
    b"trailer <</Root 1 0 R>>\n%%EOF\n"
)


def demo_file(content: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def _factors(rng: random.Random, worse: bool) -> dict[str, Decimal]:
    """LEC factors: initial (no measures) tends to orange/red; current mostly yellow/blue, a few worse."""
    if worse:
        return {"L": rng.choice(LEC_L[1:3]), "E": rng.choice(LEC_E[1:3]), "C": rng.choice(LEC_C[1:3])}
    return {"L": rng.choice(LEC_L[2:5]), "E": rng.choice(LEC_E[1:4]), "C": rng.choice(LEC_C[2:5])}


def _shift_timeline(hazard: HiddenHazard, start: datetime, rng: random.Random) -> None:
    """Spread the timeline from discovery on, never past the present."""
    rows = list(HazardTransition.objects.filter(hazard=hazard).order_by("id"))
    latest = timezone.now() - timedelta(minutes=5)
    step = min(timedelta(days=10), (latest - start) / max(len(rows), 1))
    moment = start
    for row in rows:
        HazardTransition.objects.filter(pk=row.pk).update(at=min(moment, latest))
        moment += step * rng.uniform(0.5, 1.0)


@register_step("hazards.registries", order=10)
def build(rng: random.Random, admin: Any) -> None:
    User = get_user_model()
    official = User.objects.get(username="xinbei.official")
    inspector = User.objects.get(username="inspector.xinbei")
    version = DictionaryVersion.objects.filter(status="published").order_by("-published_at").first()
    if version is None:
        return
    entries = list(RiskEntry.objects.filter(version=version).prefetch_related("measures__check_items"))
    chem_entries = [e for e in entries if any(k in e.name for k in ENTRY_KEYWORDS)] or entries
    enterprises = list(
        Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, address__contains="化工园区")
        .select_related("region")
        .order_by("pk")
    )
    now = timezone.now()
    for index, org in enumerate(enterprises):
        services.registry_create(actor=admin, organisation=org, dictionary_version=version)
        people = list(Person.objects.filter(organisation=org).order_by("pk"))
        while len(people) < 3:
            people.append(
                core_services.person_create(
                    actor=admin,
                    name=f"{org.short_name or org.name[2:6]}安全员{len(people) + 1}",
                    organisation=org,
                    title="安全管理人员",
                )
            )
        is_mhi = index % 3 == 0
        obj = services.risk_object_save(
            actor=admin, organisation=org, name="储罐区" if is_mhi else "生产装置区",
            kind=RiskObjectKind.MAJOR_HAZARD_INSTALLATION if is_mhi else RiskObjectKind.PRODUCTION_UNIT,
            mhi_grade=rng.randint(2, 4) if is_mhi else None,
            principal_in_charge=people[0] if is_mhi else None, technical_in_charge=people[1] if is_mhi else None,
            operations_in_charge=people[2] if is_mhi else None,
        )  # fmt: skip
        for entry in rng.sample(chem_entries, k=min(2, len(chem_entries))):
            unit = services.risk_unit_save(
                actor=admin, risk_object=obj, name=entry.name, dictionary_entry=entry, location=obj.name,
                latitude=(org.latitude or Decimal("31.87")) + Decimal(f"{rng.uniform(-0.002, 0.002):.6f}"),
                longitude=(org.longitude or Decimal("119.97")) + Decimal(f"{rng.uniform(-0.002, 0.002):.6f}"),
            )  # fmt: skip
            worse = rng.random() < 0.12
            initial = _factors(rng, worse=True)
            current = _factors(rng, worse=worse)
            event = services.risk_event_assess(
                actor=admin, unit=unit, name=f"{entry.name}事故", method=AssessmentMethod.LEC,
                initial=initial, current=current, accident_type=(entry.accident_types or "").split("、")[0],
            )  # fmt: skip
            for measure in list(entry.measures.all())[:3]:
                services.control_measure_add(
                    actor=admin,
                    event=event,
                    standard_measure=measure,
                    with_check_items=True,
                    first_due=now - timedelta(days=rng.randint(0, 3), hours=rng.randint(0, 12)),
                )
        # Hidden hazards: 2023 ones went through the lifecycle; this year's are in every state.
        for n in range(rng.randint(2, 6)):
            description, hazard_type = rng.choice(DESCRIPTIONS)
            year_2023 = n < 2
            discovered = (
                datetime(2023, rng.randint(1, 11), rng.randint(1, 28), 10, tzinfo=now.tzinfo)
                if year_2023
                else now - timedelta(days=rng.randint(1, 90))
            )
            major = rng.random() < 0.06
            hazard = services.hazard_report(
                actor=inspector, organisation=org, description=description, hazard_type=hazard_type,
                level=HazardLevel.MAJOR if major else HazardLevel.GENERAL, source=rng.choice([HazardSource.ROUTINE, HazardSource.SPECIALIST, HazardSource.SEASONAL]),
                discovered_at=discovered, location=obj.name, liable_person=people[1],
            )  # fmt: skip
            stage = 4 if year_2023 else rng.choice([0, 1, 1, 2, 3, 4, 5])
            if stage == 5 and not major:
                services.hazard_withdraw(actor=official, hazard=hazard, comment="复核后不属于事故隐患")
            elif stage >= 1:
                if major:
                    services.governance_plan_save(
                        actor=official, hazard=hazard, responsibility="企业主要负责人牵头，设备部门实施", measures="停用相关设备，更换并校验后恢复",
                        funds=Decimal(rng.randint(5, 80) * 10000), deadline=(discovered + timedelta(days=60)).date(), emergency_plan="执行企业专项应急预案",
                    )  # fmt: skip
                services.hazard_confirm(
                    actor=official, hazard=hazard, deadline=(discovered + timedelta(days=rng.randint(7, 45))).date()
                )
                if stage >= 2:
                    services.hazard_request_acceptance(
                        actor=inspector, hazard=hazard, rectification="已按整改措施完成整改，附整改照片",
                        evidence=[demo_file(RECTIFICATION_PHOTO, f"{hazard.code}-整改后.png")],
                    )  # fmt: skip
                if stage >= 3 and stage != 5:
                    services.hazard_accept(
                        actor=official, hazard=hazard, comment="现场复核，整改到位",
                        evidence=[demo_file(ACCEPTANCE_RECORD, f"{hazard.code}-验收记录.pdf")] if major else [],
                    )  # fmt: skip
            _shift_timeline(hazard, discovered, rng)
            if year_2023:
                last = HazardTransition.objects.filter(hazard=hazard).order_by("-id").first()
                if last is not None:
                    HiddenHazard.objects.filter(pk=hazard.pk).update(
                        accepted_at=last.at, acceptance_requested_at=last.at - timedelta(days=2)
                    )
    # What the hourly worker job would have done by now: the due (and some overdue) checks.
    services.check_records_generate(now=now)


def _shared_file(name: str, content: bytes) -> str:
    """One stored copy of a demo file, shared by the rows written in bulk (same name every run)."""
    path = f"hazards/demo/{name}"
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(content))
    return path


@register_step("hazards.evidence", order=25)
def evidence_and_numbers(rng: random.Random, admin: Any) -> None:
    """After the steps that write hazards in bulk (the deep-check campaign's 3,026 findings): every
    hazard awaiting acceptance or closed gets the evidence its closure rests on (a rectification
    photo; a major one's acceptance record too), and every hazard its YH-<year>-<sequence> number.

    Deterministic: the same hazards, in id order, get the same rows; no hazard, state or figure of
    the other steps changes (only evidence rows are added, and numbers given in discovery order)."""
    services.hazard_numbers_assign()
    photo = _shared_file("rectification.png", RECTIFICATION_PHOTO)
    record = _shared_file("acceptance-record.pdf", ACCEPTANCE_RECORD)
    closing = HiddenHazard.objects.filter(state__in=[HazardState.AWAITING_ACCEPTANCE, HazardState.ACCEPTED]).order_by("pk")
    has_fix = set(
        HazardEvidence.objects.filter(stage=EvidenceStage.RECTIFICATION, hazard__in=closing).values_list("hazard_id", flat=True)
    )
    has_record = set(
        HazardEvidence.objects.filter(stage=EvidenceStage.ACCEPTANCE, hazard__in=closing).values_list("hazard_id", flat=True)
    )
    rows = []
    for hazard in closing.only("id", "organisation_id", "level", "state", "rectified_by_id", "accepted_by_id"):
        if hazard.pk not in has_fix:
            rows.append(
                HazardEvidence(
                    organisation_id=hazard.organisation_id, hazard=hazard, stage=EvidenceStage.RECTIFICATION, file=photo,
                    content_type="image/png", size=len(RECTIFICATION_PHOTO), uploaded_by_id=hazard.rectified_by_id,
                )
            )  # fmt: skip
        accepted_major = hazard.state == HazardState.ACCEPTED and hazard.level == HazardLevel.MAJOR
        if accepted_major and hazard.pk not in has_record:
            rows.append(
                HazardEvidence(
                    organisation_id=hazard.organisation_id, hazard=hazard, stage=EvidenceStage.ACCEPTANCE, file=record,
                    content_type="application/pdf", size=len(ACCEPTANCE_RECORD), uploaded_by_id=hazard.accepted_by_id,
                )
            )  # fmt: skip
    HazardEvidence.objects.bulk_create(rows, batch_size=1000)
