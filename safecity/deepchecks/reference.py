"""Reference data of the deep safety check: the maintained list of expert specialties, and the
documented mapping from the risk-control dictionary to the specialties an enterprise's panel needs.

Mapping (overridable per target: ``CampaignTarget.specialties_overridden``):
- each management category of the dictionary (2-digit code of the starter dictionary, see
  ``riskdict/data/starter.py``) maps to the specialties that check it (``CATEGORY_SPECIALTIES``);
- each control-measure sub-class of the national guideline adds the specialty that checks it
  (``SUBCLASS_SPECIALTIES``: a safety instrumented system needs an instrumentation expert, ...);
- every enterprise needs process safety management ("safety_management").
A category or sub-class missing from the maps adds nothing.
"""

from __future__ import annotations

# (code, Chinese name, English name): the maintained list, in display order.
SPECIALTIES: list[tuple[str, str, str]] = [
    ("process_safety", "工艺安全", "Process safety"),
    ("electrical", "电气安全", "Electrical"),
    ("instrumentation", "仪表自控", "Instrumentation and control"),
    ("equipment", "设备安全", "Equipment"),
    ("fire", "消防安全", "Fire"),
    ("storage", "储运安全", "Storage and transfer"),
    ("dust", "粉尘防爆", "Dust explosion"),
    ("special_operations", "特殊作业", "Special operations"),
    ("refrigeration", "涉氨制冷", "Ammonia refrigeration"),
    ("gas", "燃气安全", "Gas"),
    ("vehicles", "场内机动车辆", "In-plant vehicles"),
    ("battery", "锂电池", "Lithium batteries"),
    ("safety_management", "安全管理", "Safety management"),
]

CATEGORY_SPECIALTIES: dict[str, tuple[str, ...]] = {
    "01": ("storage", "fire"),
    "02": ("process_safety", "instrumentation"),
    "03": ("storage", "electrical"),
    "04": ("special_operations",),
    "05": ("dust", "electrical"),
    "06": ("refrigeration", "process_safety"),
    "07": ("gas",),
    "08": ("vehicles",),
    "09": ("battery", "electrical"),
    "10": ("safety_management", "fire"),
}

SUBCLASS_SPECIALTIES: dict[str, str] = {
    "process_control": "process_safety",
    "safety_instrumented_system": "instrumentation",
    "key_equipment": "equipment",
    "rotating_equipment": "equipment",
    "static_equipment": "equipment",
    "fire_facilities": "fire",
}

ALWAYS_NEEDED: tuple[str, ...] = ("safety_management",)
