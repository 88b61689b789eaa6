"""Core demo step: Changzhou's regions, its organisations, people, user accounts and roles."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from safecity.core import services
from safecity.core.choices import OrganisationKind as K
from safecity.core.choices import Role
from safecity.core.demo import DEMO_PASSWORD, register_step
from safecity.core.demo.codes import credit_code
from safecity.core.demo.regions import CENTRES, REGIONS
from safecity.core.models import Organisation, Person, Region, RoleAssignment

# Syllables for generated enterprise names: plausible, clearly invented.
NAME_HEADS = [
    "恒",
    "华",
    "瑞",
    "盛",
    "永",
    "新",
    "宏",
    "泰",
    "嘉",
    "鑫",
    "凯",
    "润",
    "锦",
    "天",
    "龙",
    "诚",
    "德",
    "汇",
    "东",
    "明",
    "金",
    "信",
    "安",
    "祥",
    "丰",
    "博",
    "远",
    "宇",
    "达",
    "通",
]
NAME_TAILS = ["化工", "精细化工", "新材料", "化学", "石化", "涂料", "医药化工", "气体", "树脂", "助剂"]
SURNAMES = [
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "黄",
    "赵",
    "周",
    "吴",
    "徐",
    "孙",
    "朱",
    "马",
    "胡",
    "郭",
    "何",
    "高",
    "林",
    "罗",
    "郑",
    "梁",
    "谢",
    "宋",
    "唐",
    "许",
    "韩",
    "冯",
    "邓",
    "曹",
]
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀",
    "霞",
    "平",
    "刚",
    "桂",
    "华",
    "建",
    "国",
    "文",
    "斌",
    "红",
    "波",
    "鹏",
]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _point(rng: random.Random, district: str) -> tuple[Decimal, Decimal]:
    lat, lon = CENTRES.get(district, (31.78, 119.95))
    return (
        Decimal(f"{lat + rng.uniform(-0.045, 0.045):.6f}"),
        Decimal(f"{lon + rng.uniform(-0.055, 0.055):.6f}"),
    )


class CityBuilder:
    """Builds the demo city through the same validation as every other write."""

    def __init__(self, rng: random.Random, admin: Any) -> None:
        self.rng = rng
        self.admin = admin
        self.regions: dict[str, Region] = {}
        self.used_codes: set[str] = set()
        self.pending: list[Organisation] = []

    def region(self, code: str) -> Region:
        return self.regions[code]

    def district_of(self, region: Region) -> str:
        code = region.code
        if region.level == "street" and region.parent and region.parent.code == "320491":
            return "320491"
        return code[:6]

    def load_regions(self) -> None:
        for code, name, level, parent, note in REGIONS:
            self.regions[code] = services.region_create(
                actor=self.admin,
                code=code,
                name=name,
                level=level,
                parent=self.regions.get(parent) if parent else None,
                note=note,
            )

    def org(
        self,
        name: str,
        kind: str,
        region_code: str,
        *,
        industry: str = "",
        prefix: str = "91",
        address: str = "",
        parent: Organisation | None = None,
    ) -> Organisation:
        region = self.regions[region_code]
        district = self.district_of(region)
        code = credit_code(self.rng, region_code=region_code if len(region_code) == 6 else region_code[:6], prefix=prefix)
        while code in self.used_codes:
            code = credit_code(self.rng, region_code=region_code[:6], prefix=prefix)
        self.used_codes.add(code)
        lat, lon = _point(self.rng, district)
        org = Organisation(
            name=name, kind=kind, region=region, credit_code=code, industry_code=industry,
            address=address or f"{region.name}", latitude=lat, longitude=lon, parent=parent,
            contact_phone=f"0519-{self.rng.randint(8000_0000, 8999_9999)}",
        )  # fmt: skip
        org.full_clean(validate_unique=False, validate_constraints=False)
        self.pending.append(org)
        return org

    def flush(self) -> None:
        # Parents first, so children can point at saved rows.
        parents = [o for o in self.pending if o.parent is None]
        children = [o for o in self.pending if o.parent is not None]
        Organisation.objects.bulk_create(parents)
        for child in children:
            child.parent_id = child.parent.pk  # type: ignore[union-attr]
        Organisation.objects.bulk_create(children)
        self.pending = []


CITY_DEPARTMENTS = [
    "常州市住房和城乡建设局",
    "常州市交通运输局",
    "常州市公安局",
    "常州市城市管理局",
    "常州市教育局",
    "常州市商务局",
    "常州市农业农村局",
    "常州市水利局",
    "常州市卫生健康委员会",
    "常州市工业和信息化局",
    "常州市文化广电和旅游局",
    "常州市生态环境局",
    "常州市自然资源和规划局",
    "常州市民政局",
    "常州市气象局",
    "常州市发展和改革委员会",
    "常州市财政局",
    "常州市体育局",
    "常州市邮政管理局",
    "常州市人力资源和社会保障局",
    "常州市司法局",
]


def _streets(builder: CityBuilder, district: str) -> list[str]:
    return [
        code for code, region in builder.regions.items()
        if region.level == "street" and (region.parent.code if region.parent else "") == district
    ]  # fmt: skip


@register_step("core.city", order=0)
def build_city(rng: random.Random, admin: Any) -> None:
    b = CityBuilder(rng, admin)
    b.load_regions()
    gov = "11"  # GB 32100: organ (registration authority 1, type 1)

    committee = b.org("常州市安全生产委员会办公室", K.SAFETY_COMMITTEE, "320400", prefix=gov, address="常州市龙城大道1280号")
    city_em = b.org("常州市应急管理局", K.GOVERNMENT_DEPARTMENT, "320400", prefix=gov, address="常州市龙城大道1280号")
    market = b.org("常州市市场监督管理局", K.GOVERNMENT_DEPARTMENT, "320400", prefix=gov)
    transport = b.org("常州市交通运输综合行政执法支队", K.GOVERNMENT_DEPARTMENT, "320400", prefix="12")
    fire = b.org("常州市消防救援支队", K.FIRE_BRIGADE, "320400", prefix=gov)
    procuratorate = b.org("常州市人民检察院", K.PROCURATORATE, "320400", prefix=gov)
    bureaus: dict[str, Organisation] = {}
    for code, name in [
        ("320402", "天宁区"),
        ("320404", "钟楼区"),
        ("320411", "新北区"),
        ("320412", "武进区"),
        ("320413", "金坛区"),
        ("320481", "溧阳市"),
    ]:
        bureaus[code] = b.org(
            f"常州市{name}应急管理局" if code != "320481" else "溧阳市应急管理局", K.DISTRICT_BUREAU, code, prefix=gov
        )
    bureaus["320491"] = b.org("常州经济开发区安全生产监督管理局", K.DISTRICT_BUREAU, "320491", prefix=gov)
    for code in ("320402003", "320413400"):
        b.org(
            f"{b.region(code).name}办事处" if code.endswith("003") else "金坛经济开发区管理委员会",
            K.STREET_OFFICE,
            code,
            prefix=gov,
        )
    b.org("茶山街道红梅村村民委员会", K.VILLAGE_COMMITTEE, "320402003205", prefix="54")
    b.org("红梅村公共安全体验馆", K.EXPERIENCE_HALL, "320402003205", prefix="12", industry="R8850")
    expert_institution = b.org("江苏省安全生产科学研究院常州分院", K.EXPERT_INSTITUTION, "320411", prefix="12", industry="M7320")
    b.org("常州市安全生产技术服务中心", K.SAFETY_SERVICE_PROVIDER, "320491", industry="L7296")
    inspection = b.org("常州市特种设备检验检测站", K.INSPECTION_STATION, "320404", prefix="12", industry="M7450")
    for i, district in enumerate(("320402", "320404", "320411")):
        b.org(f"常州市第{'一二三'[i]}中学", K.SCHOOL, rng.choice(_streets(b, district)), prefix="12", industry="P8334")

    # 新北区: the 67 hazardous-chemical enterprises of the deep safety check.
    xinbei_streets = _streets(b, "320411")
    hazchem: list[Organisation] = []
    names: set[str] = set()
    while len(hazchem) < 67:
        name = f"常州{rng.choice(NAME_HEADS)}{rng.choice(NAME_HEADS)}{rng.choice(NAME_TAILS)}有限公司"
        if name in names:
            continue
        names.add(name)
        street = rng.choice(xinbei_streets)
        industry = rng.choice(["C2614", "C2619", "C2641", "C2661", "C2662", "C2653", "C2710", "C2631"])
        hazchem.append(b.org(name, K.ENTERPRISE, street, industry=industry, address=f"新北区{b.region(street).name}滨江化工园区"))

    # 金坛区丰田路: 147 restaurants of the bottle-to-pipeline / bottle-to-electric demonstration street.
    for i in range(1, 148):
        dish = rng.choice(["面馆", "小吃店", "餐厅", "饭店", "火锅店", "烧烤店", "快餐店", "酒家"])
        b.org(
            f"金坛区{rng.choice(SURNAMES)}记{dish}（丰田路{i}号店）",
            K.ENTERPRISE,
            "320413400",
            industry=rng.choice(["H6210", "H6220", "H6291"]),
            prefix="92",
            address=f"金坛区丰田路{i * 2}号",
        )

    # 41 road transport companies for the invitation-style inspections.
    transport_regions = [code for code in b.regions if b.regions[code].level == "street"]
    for _ in range(41):
        b.org(
            f"常州{rng.choice(NAME_HEADS)}{rng.choice(NAME_HEADS)}运输有限公司",
            K.ENTERPRISE,
            rng.choice(transport_regions),
            industry=rng.choice(["G5430", "G5436", "G5411"]),
        )

    # 武进区 factory-within-factory pilot: a landlord with 5 tenants.
    landlord = b.org("常州凌迪电子科技有限公司", K.ENTERPRISE, "320412400", industry="C3982", address="武进经济开发区")
    for i, trade in enumerate(["精密机械", "塑胶制品", "包装材料", "五金加工", "电子元件"], start=1):
        b.org(
            f"常州{rng.choice(NAME_HEADS)}{rng.choice(NAME_HEADS)}{trade}有限公司",
            K.ENTERPRISE,
            "320412400",
            industry=rng.choice(["C3311", "C2929", "C2231", "C3389", "C3989"]),
            address=f"常州凌迪电子科技有限公司厂区 {i} 号厂房",
            parent=None,
        )

    # 常州经开区 small and micro enterprises, and gas suppliers / filling units.
    for _ in range(30):
        b.org(
            f"常州{rng.choice(NAME_HEADS)}{rng.choice(NAME_HEADS)}{rng.choice(['机械', '纺织', '家具', '包装', '模具'])}厂",
            K.ENTERPRISE,
            rng.choice(_streets(b, "320491")),
            industry=rng.choice(["C3484", "C1713", "C2110", "C2231", "C3525"]),
        )
    filling_units = [
        b.org(f"常州{place}液化气充装站", K.FILLING_UNIT, code, industry="D4512")
        for place, code in [("新北", "320411122"), ("武进", "320412100"), ("金坛", "320413100"), ("溧阳", "320481002")]
    ]
    # City departments that lead key projects and submit innovation projects. A separate generator,
    # so adding departments does not shift the records generated after them.
    main_rng, b.rng = b.rng, random.Random(20230129)
    for name in CITY_DEPARTMENTS:
        b.org(name, K.GOVERNMENT_DEPARTMENT, "320400", prefix=gov)
    b.rng = main_rng
    b.flush()
    del landlord, committee, transport, market

    # People, accounts and roles.
    User = get_user_model()
    city_admins, _created = Group.objects.get_or_create(name="City administrators")
    city_admins.permissions.set(Permission.objects.filter(content_type__app_label="core"))

    def account(
        username: str, name: str, org: Organisation, title: str, roles: list[tuple[str, str | None]], *, staff: bool = False
    ) -> Person:
        user = User.objects.create_user(username=username, password=DEMO_PASSWORD, is_staff=staff)
        if staff:
            user.groups.add(city_admins)
        person = services.person_create(
            actor=admin, name=name, organisation=org, title=title, user=user, phone=f"139{rng.randint(1000_0000, 9999_9999)}"
        )
        for role, jurisdiction in roles:
            services.role_assign(
                actor=admin,
                person=person,
                role=role,
                organisation=org,
                jurisdiction=b.region(jurisdiction) if jurisdiction else None,
            )
        return person

    city_office = Organisation.objects.get(name="常州市安全生产委员会办公室")
    account("city.admin", "周建国", city_office, "市安委办信息化负责人", [(Role.CITY_ADMIN, "320400")], staff=True)
    account("city.official", "陈静", city_em, "市应急管理局安全生产基础处", [(Role.CITY_OFFICIAL, "320400")])
    account("xinbei.official", "刘强", bureaus["320411"], "新北区应急管理局危化科", [(Role.DISTRICT_OFFICIAL, "320411")])
    account("wujin.official", "王敏", bureaus["320412"], "武进区应急管理局", [(Role.DISTRICT_OFFICIAL, "320412")])
    account("inspector.xinbei", "赵磊", bureaus["320411"], "执法检查员", [(Role.INSPECTOR, "320411")])
    account("enterprise.manager", "孙涛", hazchem[0], "安全总监", [(Role.ENTERPRISE_MANAGER, None)])
    account("enterprise.staff", "吴娟", hazchem[0], "安全员", [(Role.ENTERPRISE_STAFF, None)])
    account("expert.wang", "王建华", expert_institution, "高级工程师（省级专家）", [(Role.EXPERT, "320400")])
    account("procurator", "郑文", procuratorate, "公益诉讼检察部检察官", [(Role.PROCURATOR, "320400")])
    account("fire.officer", "黄鹏", fire, "防火监督处参谋", [(Role.FIRE_OFFICER, "320400")])
    account("filling.operator", "何平", filling_units[0], "充装站站长", [(Role.FILLING_STATION_OPERATOR, None)])
    account(
        "market.official",
        "梁红",
        Organisation.objects.get(name="常州市市场监督管理局"),
        "特种设备安全监察处",
        [(Role.CITY_OFFICIAL, "320400")],
    )
    account("inspection.station", "许斌", inspection, "检验员", [(Role.INSPECTION_STATION_OPERATOR, None)])
    account("visitor", "林秀", Organisation.objects.get(name="红梅村公共安全体验馆"), "访客", [(Role.PUBLIC_VISITOR, None)])

    # Staff without accounts: a safety manager and a few employees per enterprise.
    people = []
    for org in Organisation.objects.filter(kind=K.ENTERPRISE).order_by("pk"):
        for title in ("主要负责人", "安全管理人员")[: rng.choice((1, 2))]:
            people.append(
                Person(
                    name=_name(rng),
                    organisation=org,
                    title=title,
                    phone=f"13{rng.randint(0, 9)}{rng.randint(1000_0000, 9999_9999)}",
                )
            )
    Person.objects.bulk_create(people)

    # Accounts added later draw on their own generator, so the records above stay as they were.
    rng = random.Random(20230130)
    housing = Organisation.objects.get(name="常州市住房和城乡建设局")
    account("dept.housing", "钱伟", housing, "市住建局安全监管处", [(Role.DEPARTMENT_OFFICER, None)])
    account("judge.zhang", "张立新", housing, "创新创优项目评审专家（市住建局）", [(Role.EXPERT, "320400")])
    assert RoleAssignment.objects.exists()


DEMO_LOGINS = [
    ("admin", "platform operator (superuser)"),
    ("city.admin", "市安委办 city administrator"),
    ("city.official", "市应急管理局 city official"),
    ("xinbei.official", "新北区 district official"),
    ("wujin.official", "武进区 district official"),
    ("inspector.xinbei", "新北区 inspector"),
    ("enterprise.manager", "enterprise manager (新北区 hazardous-chemical enterprise)"),
    ("expert.wang", "expert"),
    ("procurator", "市人民检察院 procurator"),
    ("fire.officer", "市消防救援支队 fire officer"),
    ("filling.operator", "filling-station operator"),
    ("market.official", "市场监督管理局 official"),
    ("inspection.station", "cylinder inspection-station operator"),
    ("forklift.director", "enterprise forklift safety director (武进区 plant; demo step forklifts.platform)"),
    ("inspector.jintan", "金坛区 inspector: restaurant gas programme, leak alarms (demo step restaurants.detectors)"),
    ("restaurant.manager", "restaurant manager (金坛区, on cylinders, leak alarm this morning; restaurants.detectors)"),
    ("village.supervisor", "罗溪镇罗溪村 village safety supervisor (small and micro enterprises; demo step smallbiz.luoxi)"),
    ("service.engineer", "safety service engineer, 常州市新北区安泰安全技术服务有限公司 (罗溪镇 group purchase; smallbiz.luoxi)"),
    ("transport.inspector", "交通运输综合行政执法支队 inspector: invitation-style inspections (invitations.transport)"),
    ("transport.manager", "transport company manager (invited inspections, a finding referred; invitations.transport)"),
    ("transport.association", "常州市道路运输协会 (trade association inviting for its member companies; invitations.transport)"),
    ("hall.staff", "常州市公共安全体验馆 staff: sessions, bookings, check-in (hall.bookings)"),
    ("park.landlord", "常州湖塘纺织集团 landlord: 厂中厂 park, tenants, agreements, inspections (parks.campaign)"),
    ("park.tenant", "tenant HT-A-01 of 湖塘纺织工业园: its record, agreements, inspections (parks.campaign)"),
    ("dept.housing", "市住建局 department officer (key projects, innovation)"),
    ("judge.zhang", "innovation judge (from 市住建局)"),
    ("visitor", "public visitor"),
]
