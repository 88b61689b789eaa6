"""The documented scoring model of the health portrait (健康画像): dimensions, deduction rules, colours.

This table is what the district hands to the enterprise (``docs/portraits.md`` renders the same
numbers): every point the enterprise loses comes from one rule below and one piece of evidence.

Sources:
- enterprise-level rating, MEM 2018 style (domain-rules §1): 100 points; < 60 red, 60-<75 orange,
  75-<90 yellow, >= 90 blue; some findings force red whatever the score;
- 安全生产事故隐患排查治理暂行规定 (SAWS order No. 16, 2007): general / major hidden hazards, the
  governance plan with the five in-place items (art. 15), rectification by the deadline;
- 危险化学品企业双重预防机制数字化建设工作指南 (MEM 2021-2022): risk events, control measures
  (engineering / maintenance / operation / emergency), check tasks and check records;
- 危险化学品重大危险源包保责任制 (2021): principal, technical and operations persons in charge;
- 危险化学品企业安全风险隐患排查治理导则 (应急〔2019〕78号): the management elements that a root
  cause is filed under (leadership, risk control, process safety, equipment, contractors, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

RED, ORANGE, YELLOW, BLUE = 1, 2, 3, 4
# Lower bounds of orange, yellow and blue (domain-rules §1).
ORANGE_FROM = Decimal("60")
YELLOW_FROM = Decimal("75")
BLUE_FROM = Decimal("90")
ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Dimension:
    code: str
    title: str | Promise
    title_zh: str
    max_points: int


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("leadership", _("Safety leadership and responsibilities"), "安全领导力与责任", 15),
    Dimension("mhi", _("Major hazard installations"), "重大危险源", 15),
    Dimension("process", _("Process safety"), "工艺安全", 15),
    Dimension("equipment", _("Equipment integrity"), "设备完好性", 10),
    Dimension("governance", _("Hazard governance performance"), "隐患治理绩效", 20),
    Dimension("emergency", _("Emergency readiness"), "应急准备", 10),
    Dimension("training", _("Personnel and training"), "人员与培训", 8),
    Dimension("contractors", _("Contractors and tenants"), "承包商与承租方", 7),
)
DIMENSION_BY_CODE = {d.code: d for d in DIMENSIONS}
TOTAL_POINTS = sum(d.max_points for d in DIMENSIONS)
assert TOTAL_POINTS == 100, "the dimensions must share exactly 100 points"

# Where a hidden hazard counts when nothing more precise is known: its national type code
# (1 safety, 2 process, 3 electrical, 4 instrument, 5 fire, 6 site layout, 7 equipment, 8 other).
HAZARD_TYPE_DIMENSION = {
    1: "leadership",
    2: "process",
    3: "equipment",
    4: "process",
    5: "emergency",
    6: "process",
    7: "equipment",
    8: "leadership",
}

# Where a hidden hazard counts when a deep check filed its root cause under a management element
# (AQ/T 3034-2022 / 应急〔2019〕78号 elements). Keys are matched on the element code and, failing that, its label.
MANAGEMENT_ELEMENT_DIMENSION = {
    "leadership": "leadership",
    "safety_leadership": "leadership",
    "responsibility": "leadership",
    "risk_identification": "process",
    "risk_control": "process",
    "special_operations": "process",
    "hazard_investigation": "governance",
    "process_safety_information": "process",
    "operating_procedures": "process",
    "change_management": "process",
    "training": "training",
    "competence": "training",
    "equipment_integrity": "equipment",
    "equipment": "equipment",
    "contractor": "contractors",
    "contractors": "contractors",
    "tenant": "contractors",
    "emergency": "emergency",
    "emergency_management": "emergency",
    "accident": "leadership",
    "accident_management": "leadership",
}
# A root cause without a management element: its category (person / object / management / environment).
ROOT_CAUSE_CATEGORY_DIMENSION = {
    "person": "training",
    "object": "equipment",
    "management": "leadership",
    "environment": "process",
}


@dataclass(frozen=True)
class Rule:
    """One deduction (or forced-red) rule: a fixed number of points per piece of evidence.

    ``dimension`` is "" when the rule places each deduction in the dimension of its evidence
    (a hidden hazard counts where its root cause, installation or type puts it).
    """

    code: str
    title: str | Promise
    title_zh: str
    points: Decimal
    dimension: str
    evidence: str
    source: str


def _rule(
    code: str,
    title: str | Promise,
    title_zh: str,
    points: str,
    dimension: str,
    evidence: str,
    source: str,
) -> Rule:
    return Rule(code, title, title_zh, Decimal(points), dimension, evidence, source)


ORDER_16 = "SAWS order No. 16 (2007)"
DUAL_PREVENTION = "MEM dual-prevention guideline (2021)"
MHI_RESPONSIBILITY = "MHI responsibility system (2021)"
# The portrait shows what the expert panel found ("已病") even after it was fixed, in the dimension
# of each finding's root cause; rectification performance is scored under hazard governance.
DEEP_CHECK = "Deep safety check findings (坐堂会诊)"
# The same sources as the Chinese report (PDF) cites them.
SOURCE_ZH = {
    ORDER_16: "《安全生产事故隐患排查治理暂行规定》（国家安全监管总局令第16号，2007年）",
    ORDER_16 + " art. 15": "《安全生产事故隐患排查治理暂行规定》第十五条",
    DUAL_PREVENTION: "《危险化学品企业双重预防机制数字化建设工作指南》（2021年）",
    MHI_RESPONSIBILITY: "危险化学品重大危险源包保责任制（2021年）",
    DEEP_CHECK: "深度安全体检（坐堂会诊）发现的问题",
    "GB 35181-2017": "GB 35181-2017《重大火灾隐患判定方法》",
}

RULES: tuple[Rule, ...] = (
    _rule(
        "hazard.open_general",
        _("General hidden hazard not yet closed"),
        "一般隐患尚未整改销号",
        "1",
        "",
        "hazard",
        ORDER_16,
    ),
    _rule(
        "hazard.open_major",
        _("Major hidden hazard not yet closed"),
        "重大隐患尚未整改销号",
        "5",
        "",
        "hazard",
        ORDER_16,
    ),
    _rule(
        "hazard.major_found",
        _("Major hidden hazard found this year (closed)"),
        "本年度发现重大隐患（已销号）",
        "2",
        "",
        "hazard",
        ORDER_16,
    ),
    _rule(
        "deepcheck.finding",
        _("General hidden hazard found by this year's deep safety check (closed)"),
        "本年度深度安全体检发现的一般隐患（已销号）",
        "0.4",
        "",
        "hazard",
        DEEP_CHECK,
    ),
    _rule(
        "governance.overdue",
        _("Hidden hazard past its rectification deadline"),
        "隐患超期未整改",
        "2",
        "governance",
        "hazard",
        ORDER_16,
    ),
    _rule(
        "governance.plan_incomplete",
        _("Major hidden hazard without the five in-place items"),
        "重大隐患治理方案“五落实”不全",
        "3",
        "governance",
        "hazard",
        ORDER_16 + " art. 15",
    ),
    _rule(
        "governance.closure_rate",
        _("Closure rate below 90% (per 5 points short)"),
        "隐患整改销号率低于90%（每低5个百分点）",
        "1",
        "governance",
        "organisation",
        ORDER_16,
    ),
    _rule(
        "governance.check_overdue",
        _("Due hazard check not done"),
        "隐患排查任务逾期未排查",
        "0.5",
        "governance",
        "check_record",
        DUAL_PREVENTION,
    ),
    _rule(
        "mhi.persons_missing",
        _("Major hazard installation without its three persons in charge"),
        "重大危险源包保责任人不全",
        "5",
        "mhi",
        "risk_object",
        MHI_RESPONSIBILITY,
    ),
    _rule(
        "mhi.red_event",
        _("Major (red) current risk at a major hazard installation"),
        "重大危险源存在重大（红色）风险",
        "3",
        "mhi",
        "risk_event",
        DUAL_PREVENTION,
    ),
    _rule(
        "process.red_event",
        _("Major (red) current risk event"),
        "存在重大（红色）风险事件",
        "2",
        "process",
        "risk_event",
        DUAL_PREVENTION,
    ),
    _rule(
        "process.event_without_measures",
        _("Major or significant risk event without control measures"),
        "重大、较大风险事件未制定管控措施",
        "3",
        "process",
        "risk_event",
        DUAL_PREVENTION,
    ),
    _rule(
        "emergency.no_emergency_measure",
        _("Major or significant risk event without an emergency measure"),
        "重大、较大风险事件缺少应急措施",
        "1",
        "emergency",
        "risk_event",
        DUAL_PREVENTION,
    ),
    _rule(
        "training.task_without_checker",
        _("Check task without a named checker"),
        "隐患排查任务未明确排查人",
        "1",
        "training",
        "check_task",
        DUAL_PREVENTION,
    ),
)
RULE_BY_CODE = {r.code: r for r in RULES}


@dataclass(frozen=True)
class ForcedRedRule:
    code: str
    title: str | Promise
    title_zh: str
    evidence: str
    source: str


FORCED_RED_RULES: tuple[ForcedRedRule, ...] = (
    ForcedRedRule(
        "forced.major_overdue",
        _("An open major hidden hazard is past its deadline"),
        "重大隐患超期未整改",
        "hazard",
        ORDER_16,
    ),
    ForcedRedRule(
        "forced.mhi_persons",
        _("A major hazard installation lacks one of its three persons in charge"),
        "重大危险源包保责任人缺失",
        "risk_object",
        MHI_RESPONSIBILITY,
    ),
    ForcedRedRule(
        "forced.three_in_one",
        _('An unresolved "three-in-one" premises (living quarters with production or storage)'),
        "存在未整改的“三合一”场所",
        "premises determination",
        "GB 35181-2017",
    ),
    ForcedRedRule(
        "forced.red_event_no_measures",
        _("A major (red) current risk event has no control measures"),
        "重大（红色）风险事件未落实管控措施",
        "risk_event",
        DUAL_PREVENTION,
    ),
)
FORCED_BY_CODE = {r.code: r for r in FORCED_RED_RULES}

# Closure-rate rule: the target rate, the step per point and the most it may take.
CLOSURE_TARGET = Decimal("90")
CLOSURE_STEP = Decimal("5")
CLOSURE_MAX_STEPS = 8


def round_score(value: Decimal) -> Decimal:
    """Scores are kept with one decimal, rounded half up (so 89.95 is 90.0: blue)."""
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def colour_for(score: Decimal, *, forced_red: bool = False) -> int:
    """The portrait colour of a score: < 60 red, 60-<75 orange, 75-<90 yellow, >= 90 blue."""
    if forced_red or score < ORANGE_FROM:
        return RED
    if score < YELLOW_FROM:
        return ORANGE
    if score < BLUE_FROM:
        return YELLOW
    return BLUE
