"""The legal basis of the invitation-style inspections, as library entries (``safecity.library``).

Shown to the enterprise on the invite page before it invites, and cited by every invitation
(``LibraryCitation``). Titles identify the entries (the library keeps no official number it does
not know; codes stay blank). The demo step creates missing entries through the library service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Basis:
    kind: str
    title: str
    issuing_body: str
    summary: str
    effective_on: date | None


LEGAL_BASIS: tuple[Basis, ...] = (
    Basis(
        "local_regulation",
        "江苏省安全生产领域轻微违法行为不予行政处罚清单（2025年版）",
        "江苏省应急管理厅",
        "20项轻微违法行为，适用期3年；同时满足首次违法、危害后果轻微并及时改正、近3年未发生生产安全死亡事故、"
        "未列入严重失信主体名单四个条件的，不予行政处罚。",
        date(2025, 1, 1),
    ),
    Basis(
        "local_regulation",
        "常州市市场轻微违法违规经营行为免罚清单",
        "常州市人民政府",
        "常州市首违不罚清单（2022年1月7日发布）：首次违法、危害后果轻微并及时改正的，依法不予行政处罚。",
        date(2022, 1, 7),
    ),
    # The detachment's own method, selected in the 2023 innovation round (the innovation demo puts
    # it into the library; the invitations' demo adds it when it is missing).
    Basis(
        "work_method",
        "危险货物运输企业邀约式安全检查",
        "常州市交通运输综合行政执法支队",
        "企业自主邀约、自选检查内容，执法人员和专家上门检查；发现的隐患不录入执法系统，限期整改到位的不予处罚，"
        "逾期未整改的转入正常执法程序。",
        None,
    ),
)

TITLES = tuple(b.title for b in LEGAL_BASIS)


def legal_basis_entries() -> Any:
    """The library entries of the legal basis that exist (public: everybody reads the library)."""
    from safecity.library.models import LibraryEntry

    return LibraryEntry.objects.filter(title__in=TITLES).order_by("effective_on", "title")
