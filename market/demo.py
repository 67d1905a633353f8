"""Fictional but realistic demo data: Shenyang universities, institutes, SMEs and a centre.

Names are invented in the style of real ones; credit codes are generated with a valid
check character. None of it comes from ``../shared/data``.
"""
from stdnum.cn import uscc

from .extensions import db
from .models import Membership, Organisation, OrgKind, OrgStatus, SmeSize, User
from .models.base import utcnow
from .services.passwords import hash_password

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
    ("sme9", "郭经理"), ("sme10", "何经理"), ("sme11", "高经理"), ("sme12", "林经理")]]


def credit_code(seq: int, kind: OrgKind) -> str:
    """A syntactically valid, invented unified social credit code for demo organisation ``seq``."""
    prefix = "12" if kind in (OrgKind.UNIVERSITY, OrgKind.INSTITUTE, OrgKind.CENTRE) else "91"
    body = f"{prefix}210100MA0{seq:06d}"  # 2 + 6 (Shenyang) + 9 (organisation) characters
    return body + uscc.calc_check_digit(body)


def is_empty() -> bool:
    return db.session.scalar(db.select(db.func.count()).select_from(Organisation)) == 0


def load() -> dict[str, Organisation]:
    """Add the demo organisations and users (flushes; the caller commits)."""
    orgs = {}
    password_hash = hash_password(DEMO_PASSWORD)
    for seq, (key, kind, name, district, size, status) in enumerate(ORGS, start=1):
        org = Organisation(
            kind=kind, name=name, credit_code=credit_code(seq, kind), district=district,
            address=f"沈阳市{district}示范路{seq * 11}号", contact_name="联系人",
            contact_phone=f"024-2{seq:03d}{seq:04d}", contact_email=f"{key}@demo.ipmarket.cn",
            sme_size=size, status=status, verified_at=utcnow() if status == OrgStatus.VERIFIED else None)
        db.session.add(org)
        orgs[key] = org
    for email, name, key, admin in USERS:
        db.session.add(User(email=email, name=name, password_hash=password_hash, org=orgs[key],
                            is_org_admin=admin, membership=Membership.ACTIVE))
    db.session.flush()
    return orgs
