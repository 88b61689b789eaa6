"""The "1+29" structure of Changzhou's municipal public-safety system (市域公共安全体系): the overall
plan and its 29 domain sub-systems. The seed of the editable list (data migration 0002 and the demo)."""

from __future__ import annotations

from typing import Any

# (code, name, is_overall)
SUBSYSTEMS: list[tuple[str, str, bool]] = [
    ("00", "市域公共安全体系建设总体方案", True),
    ("01", "危险化学品安全", False),
    ("02", "消防安全", False),
    ("03", "道路交通安全", False),
    ("04", "建筑施工安全", False),
    ("05", "城镇燃气安全", False),
    ("06", "特种设备安全", False),
    ("07", "工贸行业安全", False),
    ("08", "食品药品安全", False),
    ("09", "水上交通安全", False),
    ("10", "轨道交通安全", False),
    ("11", "城市运行安全（市政设施）", False),
    ("12", "自然灾害防治", False),
    ("13", "防汛防旱", False),
    ("14", "森林防火", False),
    ("15", "地质灾害防治", False),
    ("16", "气象灾害防御", False),
    ("17", "生态环境安全", False),
    ("18", "公共卫生安全", False),
    ("19", "校园安全", False),
    ("20", "旅游及大型活动安全", False),
    ("21", "人员密集场所安全", False),
    ("22", "农业农村安全", False),
    ("23", "电力能源安全", False),
    ("24", "民爆及烟花爆竹安全", False),
    ("25", "社会治安防控", False),
    ("26", "网络与数据安全", False),
    ("27", "应急救援能力", False),
    ("28", "安全文化与宣传教育", False),
    ("29", "智慧安监与信息化", False),
]


def seed_subsystems(model: Any) -> int:
    """Create the missing entries of the list in ``model`` (the current or a historical model)."""
    created = 0
    for order, (code, name, overall) in enumerate(SUBSYSTEMS):
        _obj, new = model._default_manager.get_or_create(
            code=code, defaults={"name": name, "order": order, "is_overall": overall}
        )
        created += int(new)
    return created
