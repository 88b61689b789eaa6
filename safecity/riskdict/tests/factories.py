"""Factories and helpers for the dictionary tests: model factories and .xlsx files built in memory."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from safecity.riskdict.models import CheckItem, DictionaryVersion, ManagementCategory, RiskEntry, StandardMeasure
from safecity.riskdict.services import COLUMNS, XLSX_CONTENT_TYPE


class DictionaryVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DictionaryVersion

    version = factory.Sequence(lambda n: f"2099.{n}")
    title = factory.Sequence(lambda n: f"测试辞典 {n}")


class ManagementCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ManagementCategory

    version = factory.SubFactory(DictionaryVersionFactory)
    code = "15"
    name = "民用爆炸物品"


class RiskEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskEntry

    category = factory.SubFactory(ManagementCategoryFactory)
    version = factory.SelfAttribute("category.version")
    code = factory.Sequence(lambda n: f"15{n % 98 + 1:02d}")
    name = factory.Sequence(lambda n: f"风险 {n}")
    accident_types = "火灾、爆炸"
    risk_points = "生产车间"


class StandardMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StandardMeasure

    entry = factory.SubFactory(RiskEntryFactory)
    measure_class = "engineering"
    subclass = "process_control"
    content = factory.Sequence(lambda n: f"管控措施 {n}")
    basis = "GB 30871-2022"


class CheckItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckItem

    measure = factory.SubFactory(StandardMeasureFactory)
    content = factory.Sequence(lambda n: f"排查内容 {n}")
    cycle = 1
    cycle_unit = "day"


def row(**cells: Any) -> dict[str, Any]:
    """A valid exchange-format row; override cells by header (风险代码="1502", ...)."""
    base: dict[str, Any] = {
        "管理类别代码": "15",
        "管理类别": "民用爆炸物品",
        "风险代码": "1501",
        "风险名称": "工业炸药生产",
        "主要事故类型": "火灾、爆炸",
        "风险点": "混药工房",
        "管控措施类别": "工程技术",
        "管控措施子类": "工艺控制",
        "管控措施": "混药工序设置温度监控和超温联锁",
        "措施依据": "GB 50089-2018",
        "排查内容": "检查温度联锁投用",
        "排查周期": 1,
        "周期单位": "天",
        "排查依据": "GB 50089-2018",
    }
    base.update(cells)
    return base


def xlsx(rows: Sequence[dict[str, Any]], columns: Sequence[str] = COLUMNS) -> bytes:
    """An .xlsx file with a header row and ``rows`` (dicts by header)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(columns))
    for cells in rows:
        sheet.append([cells.get(column) for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name: str = "dictionary.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX_CONTENT_TYPE)


def two_entry_rows() -> list[dict[str, Any]]:
    """Two risks, the first with two measures (one with two check items), the second with one."""
    return [
        row(),
        row(排查内容="检查温度计显示正常", 排查周期=8, 周期单位="小时"),
        row(管控措施类别="应急措施", 管控措施子类="消防设施", 管控措施="工房配置灭火器", 措施依据="GB 50140-2005",
            排查内容="检查灭火器压力", 排查周期=1, 周期单位="月", 排查依据="GB 50140-2005"),
        row(风险代码="1502", 风险名称="炸药储存", 主要事故类型="爆炸", 风险点="成品库",
            管控措施类别="操作行为", 管控措施子类="人员资质", 管控措施="库管员持证上岗", 措施依据="",
            排查内容="核查库管员证件", 排查周期=1, 周期单位="年", 排查依据=""),
    ]  # fmt: skip
