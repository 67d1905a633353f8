"""Fictional but realistic demo data: Shenyang universities, institutes, SMEs, a larger
enterprise, agencies and a centre.

Names are invented in the style of real ones; credit codes are generated with a valid
check character. None of it comes from ``../shared/data``.
"""
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.exc import SQLAlchemyError
from stdnum.cn import uscc

from .extensions import db
from .models import Membership, Organisation, OrgKind, OrgStatus, OutboxEmail, SmeSize, User
from .models.base import utcnow
from .services import deal_events
from .services.passwords import hash_password

DEMO_DOMAIN = "demo.ipmarket.cn"  # invented: no mail is ever sent there
DEMO_PASSWORD = "shenyang-demo-2026"  # noqa: S105 (published in the README, demo only)

# (key, kind, name, district, sme_size, status)
ORGS = [
    ("centre", OrgKind.CENTRE, "沈阳市知识产权运营服务中心", "浑南区", None, OrgStatus.VERIFIED),
    ("neut", OrgKind.UNIVERSITY, "沈北理工大学", "沈北新区", None, OrgStatus.VERIFIED),
    ("sypu", OrgKind.UNIVERSITY, "盛京医药大学", "浑南区", None, OrgStatus.VERIFIED),
    ("syau", OrgKind.UNIVERSITY, "辽沈农业大学", "沈河区", None, OrgStatus.VERIFIED),
    ("imr", OrgKind.INSTITUTE, "沈阳先进材料研究院", "沈河区", None, OrgStatus.VERIFIED),
    ("sia", OrgKind.INSTITUTE, "沈阳智能装备研究所", "浑南区", None, OrgStatus.VERIFIED),
    ("sme1", OrgKind.SME, "沈阳北辰精密机械有限公司", "铁西区", SmeSize.SMALL, OrgStatus.VERIFIED),
    ("sme2", OrgKind.SME, "沈阳华康生物科技有限公司", "浑南区", SmeSize.MEDIUM, OrgStatus.VERIFIED),
    ("sme3", OrgKind.SME, "沈阳绿野农业科技有限公司", "新民市", SmeSize.MICRO, OrgStatus.VERIFIED),
    ("sme4", OrgKind.SME, "沈阳新材新能源科技有限公司", "于洪区", SmeSize.SMALL, OrgStatus.VERIFIED),
    ("sme5", OrgKind.SME, "沈阳云启信息技术有限公司", "和平区", SmeSize.SMALL, OrgStatus.VERIFIED),
    ("sme6", OrgKind.SME, "沈阳盛铸重工装备有限公司", "大东区", SmeSize.MEDIUM, OrgStatus.VERIFIED),
    ("sme7", OrgKind.SME, "沈阳皇姑医疗器械有限公司", "皇姑区", SmeSize.SMALL, OrgStatus.VERIFIED),
    ("sme8", OrgKind.SME, "沈阳苏家屯环保工程有限公司", "苏家屯区", SmeSize.MICRO, OrgStatus.VERIFIED),
    ("sme9", OrgKind.SME, "沈阳辽中食品科技有限公司", "辽中区", SmeSize.SMALL, OrgStatus.VERIFIED),
    ("sme10", OrgKind.SME, "康平县风电运维技术有限公司", "康平县", SmeSize.MICRO, OrgStatus.VERIFIED),
    ("sme11", OrgKind.SME, "法库县陶瓷新材料有限公司", "法库县", SmeSize.SMALL, OrgStatus.VERIFIED),
    ("sme12", OrgKind.SME, "沈阳沈河数字文创有限公司", "沈河区", SmeSize.MICRO, OrgStatus.PENDING),
    # IP service agencies register here and are verified over the years (demo_services.py)
    ("agency1", OrgKind.AGENCY, "沈阳盛京知识产权代理有限公司", "铁西区", None, OrgStatus.PENDING),
    ("agency2", OrgKind.AGENCY, "沈阳浑南科技成果转化服务有限公司", "浑南区", None,
     OrgStatus.PENDING),
    ("agency3", OrgKind.AGENCY, "辽宁北方知识产权托管服务有限公司", "于洪区", None,
     OrgStatus.PENDING),
    # a larger enterprise (above the SME size standard): it takes one open licence
    # (demo_services.py), counted as a licence but not in the SME counts
    ("ent1", OrgKind.ENTERPRISE, "沈阳北方重型装备集团有限公司", "铁西区", None,
     OrgStatus.VERIFIED),
]

# (email, name, org key, admin)
USERS = [
    ("centre@demo.ipmarket.cn", "王主任", "centre", True),
    ("neut@demo.ipmarket.cn", "李老师", "neut", True),
    ("sypu@demo.ipmarket.cn", "张老师", "sypu", True),
    ("syau@demo.ipmarket.cn", "赵老师", "syau", True),
    ("imr@demo.ipmarket.cn", "孙研究员", "imr", True),
    ("sia@demo.ipmarket.cn", "周研究员", "sia", True),
] + [(f"{key}@demo.ipmarket.cn", name, key, True) for key, name in [
    ("sme1", "陈经理"), ("sme2", "刘经理"), ("sme3", "杨经理"), ("sme4", "黄经理"),
    ("sme5", "吴经理"), ("sme6", "徐经理"), ("sme7", "朱经理"), ("sme8", "胡经理"),
    ("sme9", "郭经理"), ("sme10", "何经理"), ("sme11", "高经理"), ("sme12", "林经理"),
    ("agency1", "马晓东"), ("agency2", "罗文博"), ("agency3", "梁志刚"), ("ent1", "董经理")]]


def credit_code(seq: int, kind: OrgKind) -> str:
    """A syntactically valid, invented unified social credit code for demo organisation ``seq``."""
    prefix = "12" if kind in (OrgKind.UNIVERSITY, OrgKind.INSTITUTE, OrgKind.CENTRE) else "91"
    body = f"{prefix}210100MA0{seq:06d}"  # 2 + 6 (Shenyang) + 9 (organisation) characters
    return body + uscc.calc_check_digit(body)


DEMO_CHECK_SECONDS = 60  # how long a server trusts its answer to "is this the demo?"


def holds_demo_data() -> bool:
    """True when the database holds the demo market (its centre account exists): every page
    then says so. Asked at most once a minute per app; the answer is kept on the app."""
    from time import monotonic

    from flask import current_app
    cache = current_app.extensions.setdefault("demo_data", {"at": None, "value": False})
    if cache["at"] is None or monotonic() - cache["at"] > DEMO_CHECK_SECONDS:
        try:
            cache["value"] = db.session.scalar(db.select(db.exists().where(
                User.email == USERS[0][0]))) or False
        except SQLAlchemyError:
            # a banner never breaks a page: a database without tables yet, or one busy
            db.session.rollback()
            return cache["value"]
        cache["at"] = monotonic()
    return cache["value"]


def is_empty() -> bool:
    return db.session.scalar(db.select(db.func.count()).select_from(Organisation)) == 0


def load_all() -> dict:
    """The whole demo market (flushes; the caller commits): organisations and users as of
    the history's start, the real patent texts and their five years of deals, then the
    invented listings as today's newest. Returns counts."""
    from .demo_history import START, load_history, load_real_listings
    from .demo_services import load_services
    from .domain.dates import clock_at
    now = utcnow()
    with clock_at(START - timedelta(days=30)):
        orgs = load()
    offers = load_real_listings(orgs, now)
    counts = load_history(orgs, offers, now)
    counts["listings"] = len(offers) + load_listings(orgs)
    counts.update(load_services(orgs, offers, now))
    # the deals' notices, each as of its event, before the history's emails are dropped
    counts["notices"] = deal_events.tell_pending_here(at_event_time=True)
    counts["emails_dropped"] = _drop_history_emails()
    return counts


def _drop_history_emails() -> int:
    """The history's emails (about 1,600) are addressed to invented people at the demo
    domain: they are not sent (nor written to the log by the log transport). Every
    notification stays in the demo users' inboxes."""
    dropped = db.session.execute(delete(OutboxEmail).where(
        OutboxEmail.sent_at.is_(None), OutboxEmail.to_address.like(f"%@{DEMO_DOMAIN}")))
    return dropped.rowcount or 0


def load() -> dict[str, Organisation]:
    """Add the demo organisations and users (flushes; the caller commits)."""
    orgs = {}
    password_hash = hash_password(DEMO_PASSWORD)
    # each organisation's contact is its first demo user (a person's name, never a placeholder)
    contacts = {}
    for _email, person, key, _admin in USERS:
        contacts.setdefault(key, person)
    for seq, (key, kind, name, district, size, status) in enumerate(ORGS, start=1):
        org = Organisation(
            kind=kind, name=name, credit_code=credit_code(seq, kind), district=district,
            address=f"沈阳市{district}示范路{seq * 11}号", contact_name=contacts.get(key, "王经理"),
            contact_phone=f"024-2{seq:03d}{seq:04d}", contact_email=f"{key}@demo.ipmarket.cn",
            sme_size=size, status=status, verified_at=utcnow() if status == OrgStatus.VERIFIED else None)
        if kind in (OrgKind.UNIVERSITY, OrgKind.INSTITUTE, OrgKind.AGENCY):
            # licensors (and agencies, for brokers' fees) are paid into their own account
            # (PAYMENT_RECEIVER=licensor)
            org.bank_account_name, org.bank_name = name, "中国工商银行沈阳浑南支行（演示）"
            org.bank_account_number = f"6222021000{seq:08d}"
        db.session.add(org)
        orgs[key] = org
    for email, name, key, admin in USERS:
        db.session.add(User(email=email, name=name, password_hash=password_hash, org=orgs[key],
                            is_org_admin=admin, membership=Membership.ACTIVE))
    db.session.flush()
    return orgs


# Invented demo patents: (owner key, year, type digit, title, abstract, IPC, offer)
PATENTS = [
    ("neut", 2018, 1, "一种高强度镁合金板材的轧制方法", "本发明公开了一种高强度镁合金板材的轧制方法，通过多道次异步轧制细化晶粒，板材屈服强度提高百分之三十，适用于汽车轻量化零部件。", "C22C 23/02; B21B 1/22", "open"),
    ("neut", 2019, 1, "基于机器视觉的带钢表面缺陷检测方法", "利用深度卷积神经网络识别带钢表面划痕、结疤和孔洞等缺陷，检测速度满足产线实时要求。", "G06T 7/00; G01N 21/89", "open_fee"),
    ("neut", 2020, 1, "一种矿用带式输送机托辊故障监测装置", "通过振动与温度传感器在线监测托辊运行状态，提前预警轴承故障，降低停机损失。", "B65G 43/02; G01M 13/04", "licence"),
    ("neut", 2017, 1, "一种工业机器人关节减速器的装配方法", "提出一种RV减速器关键零件的选配与装配方法，提高传动精度和寿命。", "B25J 9/10; F16H 1/32", "exclusive"),
    ("sypu", 2018, 1, "一种具有靶向作用的抗炎脂质体及其制备方法", "所述脂质体膜中镶嵌带负电荷的两亲性分子，可靶向结肠部位，提高溃疡性结肠炎的治疗效果。", "A61K 9/127; A61P 1/00", "open_deferred"),
    ("sypu", 2019, 1, "一种中药提取物的超临界二氧化碳萃取工艺", "采用超临界二氧化碳萃取中药有效成分，收率高、无溶剂残留。", "A61K 36/00; B01D 11/02", "licence"),
    ("sypu", 2021, 1, "一种口腔速溶膜剂及其制备方法", "口腔速溶膜剂在舌面三十秒内崩解，适合吞咽困难的老年患者服用。", "A61K 9/70; A61K 47/38", "assignment"),
    ("syau", 2018, 1, "一种耐盐碱水稻新品种的分子标记辅助育种方法", "利用与耐盐碱性状紧密连锁的分子标记进行辅助选择，缩短育种周期。", "A01H 1/04; C12Q 1/6895", "open"),
    ("syau", 2020, 2, "一种玉米秸秆还田机", "秸秆粉碎与深翻同步完成，作业效率高，适用于东北黑土地保护性耕作。", "A01B 49/02; A01D 82/00", "open_fee"),
    ("syau", 2019, 1, "一种设施蔬菜水肥一体化智能控制系统", "根据土壤湿度和作物生长阶段自动调节灌溉与施肥，节水节肥百分之二十以上。", "A01G 25/16; G05B 19/042", "licence"),
    ("imr", 2017, 1, "一种石墨烯增强铝基复合材料及其制备方法", "通过球磨与热压烧结使石墨烯均匀分散于铝基体中，复合材料导热率和强度显著提高。", "C22C 21/00; C22C 1/05", "open_deferred"),
    ("imr", 2019, 1, "一种高温合金涡轮叶片的单晶铸造方法", "改进选晶器结构和抽拉工艺，提高单晶叶片成品率。", "C30B 11/00; B22D 27/04", "exclusive"),
    ("imr", 2020, 1, "一种耐腐蚀不锈钢表面纳米涂层", "在不锈钢表面制备致密纳米涂层，耐盐雾腐蚀时间超过一千小时。", "C23C 14/06; B82Y 30/00", "open"),
    ("sia", 2018, 1, "一种水下机器人自主导航定位方法", "融合惯性导航与多普勒测速信息，实现水下机器人长时间高精度定位。", "G05D 1/10; G01C 21/16", "licence"),
    ("sia", 2019, 1, "一种协作机器人碰撞检测方法", "基于电机电流与动力学模型的碰撞检测方法，无需额外力传感器，保障人机协作安全。", "B25J 9/16; B25J 19/06", "open_fee"),
    ("sia", 2021, 1, "一种光伏板清洁机器人", "清洁机器人沿光伏板自主行走并干式清扫，适用于缺水地区光伏电站。", "H02S 40/10; B08B 1/00", "open"),
    ("neut", 2022, 1, "一种锂离子电池正极材料回收方法", "从废旧锂离子电池正极材料中回收锂、钴、镍，回收率超过百分之九十五。", "H01M 10/54; C22B 7/00", "assignment"),
    ("imr", 2016, 1, "一种生物医用可降解镁合金血管支架", "镁合金支架在体内逐步降解，避免长期异物留存。", "A61L 31/02; C22C 23/04", "licence"),
]

OFFERS = {
    "open": {"kind": "open_licence", "upfront_mode": "waived", "royalty_bp": 300,
             "royalty_threshold_fen": 100_000_000, "term_years": 5},
    "open_fee": {"kind": "open_licence", "upfront_mode": "due_at_signing",
                 "upfront_fee_fen": 2_000_000, "royalty_bp": 200, "term_years": 3},
    "open_deferred": {"kind": "open_licence", "upfront_mode": "deferred",
                      "upfront_fee_fen": 5_000_000, "deferral_kind": "months",
                      "deferral_months": 12, "royalty_bp": 300,
                      "royalty_threshold_fen": 100_000_000, "term_years": 5},
    "licence": {"kind": "licence", "licence_kind": "non_exclusive", "upfront_mode": "deferred",
                "upfront_fee_fen": 10_000_000, "deferral_kind": "first_sales", "royalty_bp": 400,
                "term_years": 5},
    "exclusive": {"kind": "licence", "licence_kind": "exclusive",
                  "upfront_mode": "due_at_signing", "upfront_fee_fen": 50_000_000,
                  "royalty_bp": 500, "min_annual_royalty_fen": 5_000_000, "term_years": 8},
    "assignment": {"kind": "assignment", "asking_price_fen": 80_000_000},
}


def load_listings(orgs: dict[str, Organisation]) -> int:
    """Publish the demo patents through the listings service (history, search outbox)."""
    from datetime import date

    from sqlalchemy import select

    from .domain.patent_numbers import check_character
    from .services import listings
    for seq, (key, year, type_digit, title, abstract, ipc, offer) in enumerate(PATENTS, 1):
        owner = db.session.scalar(select(User).where(User.org == orgs[key], User.is_org_admin))
        digits = f"{year}{type_digit}{seq + 1060000:07d}"
        patent = listings.create_patent(owner, {
            "application_number": f"{digits}.{check_character(digits)}", "title": title,
            "abstract": abstract, "ipc_codes": ipc, "legal_status": "granted",
            "filing_date": date(year, 3 + seq % 9, 1 + seq % 27),
            "grant_date": date(year + 2, 1 + seq % 12, 10), "inventors": "王明；李华",
            "keywords": "", "trl": str(4 + seq % 5)})
        terms = dict(OFFERS[offer])
        if terms["kind"] == "open_licence":
            _declare_open(owner, patent, terms, seq, type_digit)
        listings.add_offer(owner, patent, terms)
        listings.publish(owner, patent)
    return len(PATENTS)


# A one-page PDF standing in for CNIPA's evaluation report of a demo utility model.
DEMO_REPORT_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                   b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
                   b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
                   b"trailer<</Root 1 0 R>>\n%%EOF\n")


def _declare_open(owner: User, patent, terms: dict, seq: int, type_digit: int) -> None:
    """A demo open licence is declared to CNIPA (art. 50); a utility model or design carries
    its evaluation report, and stays "declared, awaiting announcement" to show that state."""
    from datetime import date

    from .services import listings
    terms["declared_on"] = date(2025, 9, 1)
    if type_digit in (2, 3):
        listings.add_evaluation_report(owner, patent, filename="专利权评价报告.pdf",
                                       data=DEMO_REPORT_PDF, conclusion="no_defect",
                                       issued_on=date(2025, 8, 1))
    else:  # an invented number: the demo's, not CNIPA's
        terms["cnipa_announcement_number"] = f"DEMO-KF-2025-{seq:04d}"
