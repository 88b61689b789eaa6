"""The demo library: the local regulations and standards and the named work methods the article
names (issue 5 / mission). Titles describe the subject; no official document number is invented
(codes are blank)."""

from __future__ import annotations

# (kind, title, issuing body, summary)
LIBRARY = [
    (
        "local_regulation",
        "出租房屋安全管理规定",
        "常州市人民政府",
        "出租方和承租方的安全责任、出租房屋的消防与用电安全要求、属地排查和整改的分工。",
    ),
    (
        "local_standard",
        "起重机械安全管理规范",
        "常州市市场监督管理局",
        "起重机械的使用登记、定期检验、日常维护保养、作业人员和现场管理要求。",
    ),
    (
        "local_standard",
        "小批量危险货物道路运输安全管理规范",
        "常州市交通运输局",
        "小批量危险货物道路运输的车辆、包装、装卸、人员和途中监控要求。",
    ),
    (
        "local_standard",
        "锂离子电池工厂安全生产规范",
        "常州市应急管理局",
        "锂离子电池工厂的厂房布局、化成分容、储存、消防和应急处置要求。",
    ),
    (
        "work_method",
        "高处作业“1+N”工作法",
        "常州市住房和城乡建设局",
        "一名专职安全员带领 N 名作业人员，作业前交底、作业中监护、作业后复核的高处作业管理方法。",
    ),
    (
        "work_method",
        "食品快检与执法联动工作法",
        "常州市市场监督管理局",
        "快检结果不合格即时推送执法人员，现场复检、立案和处置联动的工作方法。",
    ),
    (
        "work_method",
        "安全审查室工作机制",
        "常州市应急管理局",
        "重点项目和高风险作业在实施前集中进行安全审查的工作机制。",
    ),
]

# The year the named work methods took effect (published with the 2023 innovation selection).
METHODS_EFFECTIVE = (2023, 12, 28)
