"""dictionary_diff: entries added, removed and changed, and inside them measures and check items."""

from __future__ import annotations

import io
from typing import Any

from safecity.riskdict.models import DictionaryVersion
from safecity.riskdict.services import dictionary_diff, dictionary_import_excel
from safecity.riskdict.tests.factories import row, two_entry_rows, xlsx


def load(actor: Any, version: str, rows: list[dict[str, Any]]) -> DictionaryVersion:
    return dictionary_import_excel(actor=actor, file=io.BytesIO(xlsx(rows)), version=version, title=version)


def test_identical_versions_have_an_empty_diff(city: Any, personas: Any) -> None:
    old = load(personas.city_admin, "2024.1", two_entry_rows())
    new = load(personas.city_admin, "2024.2", two_entry_rows())
    diff = dictionary_diff(old=old, new=new)
    assert diff.is_empty and diff.unchanged_count == 2
    assert (diff.added, diff.removed, diff.changed) == ((), (), ())


def test_diff_reports_entries_measures_and_check_items(city: Any, personas: Any) -> None:
    old_rows = [
        *two_entry_rows(),
        row(风险代码="1504", 风险名称="将被删除的风险", 排查内容="旧检查"),
    ]
    new_rows = [
        # 1501: name changed; check item cycle changed; one check item removed; measure basis changed.
        row(风险名称="工业炸药制造", 措施依据="GB 50089-2018 第5章", 排查周期=2),
        # 1501: the fire measure is gone, a new PPE measure arrives.
        row(风险名称="工业炸药制造", 管控措施类别="应急措施", 管控措施子类="个体防护", 管控措施="配备防静电工作服",
            措施依据="", 排查内容="检查工作服", 排查周期=1, 周期单位="月", 排查依据=""),
        # 1502: unchanged except a new check item.
        two_entry_rows()[3],
        {**two_entry_rows()[3], "排查内容": "核查库管员培训记录"},
        # 1505: new risk.
        row(风险代码="1505", 风险名称="新增风险", 排查内容="新检查"),
    ]  # fmt: skip
    old = load(personas.city_admin, "2024.1", old_rows)
    new = load(personas.city_admin, "2024.2", new_rows)
    diff = dictionary_diff(old=old, new=new)

    assert [e.code for e in diff.added] == ["1505"]
    assert [e.code for e in diff.removed] == ["1504"]
    assert [e.code for e in diff.changed] == ["1501", "1502"]
    assert diff.unchanged_count == 0

    explosive = diff.for_code("1501")
    assert explosive is not None
    assert [(c.field, c.before, c.after) for c in explosive.changes] == [("name", "工业炸药生产", "工业炸药制造")]
    assert [m.content for m in explosive.measures_added] == ["配备防静电工作服"]
    assert [m.content for m in explosive.measures_removed] == ["工房配置灭火器"]
    (temperature,) = explosive.measures_changed
    assert [(c.field, c.after) for c in temperature.changes] == [("basis", "GB 50089-2018 第5章")]
    assert [c.content for c in temperature.check_items_removed] == ["检查温度计显示正常"]
    (cycle_change,) = temperature.check_items_changed
    assert [(c.field, c.before, c.after) for c in cycle_change.changes] == [("cycle", 1, 2)]
    assert temperature.check_items_added == ()

    storage = diff.for_code("1502")
    assert storage is not None and storage.changes == () and storage.measures_added == ()
    (licence,) = storage.measures_changed
    assert [c.content for c in licence.check_items_added] == ["核查库管员培训记录"]

    backwards = dictionary_diff(old=new, new=old)
    assert [e.code for e in backwards.added] == ["1504"] and [e.code for e in backwards.removed] == ["1505"]
