"""The demo market's services beyond deals: IP service agencies (verified over the years,
with profiles and certified staff), custody agreements (so the plan's custody and agency
indicators change by year), mandates and one brokered deal, a larger enterprise's open
licence, technology demands (answered, one turned into a request), public questions and
follows on listings, and online exhibitions (one past, one running) with roadshow sign-ups.

Everything is made by the services the pages call, each as of its moment (``clock_at``), and
follows from fixed rules over the history's listings: the same database every time. Only
listings the history leaves untouched (the offers ``i % 4`` in 1, 3) are used for new deals,
so no request here meets one of the history's.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from .demo_history import (
    START,
    _admin,
    _details,
    _morning,
    _pay,
    _proposal,
    _record,
    _report,
    _sign,
)
from .domain.dates import clock_at
from .models import MandateScope, OfferKind, Organisation, StaffQualification

# (org key, CNIPA agency code (None: not a patent agency), services, industries, description,
#  days after START it was verified, certified staff (name, qualification, certificate))
AGENCIES = [
    ("agency1", "21190", ["agency_filing", "brokering", "custody"],
     ["high_end_equipment", "new_materials"],
     "专利代理、技术经纪与知识产权托管，服务铁西、浑南装备制造和新材料企业。", 75,
     [("马晓东", StaffQualification.PATENT_ATTORNEY, "DEMO-DLS-21190-01"),
      ("韩雪", StaffQualification.TECH_BROKER, "DEMO-JJR-2022-0107")]),
    ("agency2", None, ["brokering", "valuation", "custody"],
     ["biomedicine", "electronic_information", "high_end_equipment"],
     "高校院所科技成果转化经纪与价值评估，代中小企业洽谈许可。", 420,
     [("罗文博", StaffQualification.TECH_BROKER, "DEMO-JJR-2023-0311"),
      ("宋佳", StaffQualification.TECH_BROKER, "DEMO-JJR-2023-0312")]),
    ("agency3", "21191", ["custody", "agency_filing", "valuation"],
     ["modern_agriculture", "energy_environment", "new_materials"],
     "面向县域中小企业的知识产权托管：年费监控、专利体检与布局建议。", 930,
     [("梁志刚", StaffQualification.PATENT_ATTORNEY, "DEMO-DLS-21191-01")]),
]

CUSTODY_SCOPE = {"patents": True, "marks": False, "fee_reminders": True,
                 "portfolio_review": True}
# (SME, agency, days after START it starts, years, fee in yuan, what happens after:
#  None, ("renew", years, fee) or ("end", days into the term))
CUSTODY = [
    ("sme1", "agency1", 100, 3, 18_000, ("renew", 2, 12_000)),
    ("sme3", "agency1", 280, 1, 5_000, None),
    ("sme7", "agency2", 520, 2, 12_000, None),
    ("sme2", "agency2", 760, 3, 24_000, None),
    ("sme8", "agency3", 980, 3, 9_000, None),
    ("sme10", "agency3", 1180, 1, 4_000, ("end", 240)),
    ("sme5", "agency1", 1490, 3, 15_000, None),
]


def load_services(orgs: dict[str, Organisation], offers: list, now: datetime) -> dict:
    """Agencies, custody, mandates, demands, questions, follows and exhibitions (flushes;
    the caller commits). Returns counts."""
    untouched = [o for i, o in enumerate(offers) if i % 4 in (1, 3)]
    counts = {"agencies": _agencies(orgs)}
    counts["custody"] = _custody(orgs, now)
    counts["brokered"] = _brokered(orgs, untouched, now)
    counts["enterprise_licences"] = _enterprise_open_licence(orgs, untouched, now)
    counts["demands"] = _demands(orgs, untouched, now)
    counts["questions"] = _questions(orgs, untouched, now)
    counts["exhibitions"] = _exhibitions(orgs, untouched, now)
    return counts


def _at(days: int) -> datetime:
    """Ten o'clock in Shenyang, ``days`` after the history's start."""
    return START + timedelta(days=days)


def _agencies(orgs: dict[str, Organisation]) -> int:
    """Each agency fills in its profile and staff when it registers; the centre verifies it
    some months later (its entry on the register)."""
    from .services import agencies
    from .services import orgs as org_service
    centre = _admin(orgs["centre"])
    for key, code, services, industries, text, verified, staff in AGENCIES:
        org, admin = orgs[key], _admin(orgs[key])
        with clock_at(_at(verified - 20)):
            agencies.update_profile(admin, org, services=services, industries=industries,
                                    description=text, agency_code=code)
            for name, qualification, number in staff:
                agencies.add_staff(admin, org, name=name, qualification=qualification,
                                   certificate_number=number)
        with clock_at(_at(verified)):
            org_service.verify(centre, org)
    return len(AGENCIES)


def _custody(orgs: dict[str, Organisation], now: datetime) -> int:
    """The SME proposes, the agency accepts a few days later; some are renewed, one ended
    early; the last is a proposal of this week, waiting for the agency."""
    from .services import custody
    made = 0
    for sme_key, agency_key, start, years, fee, after in CUSTODY:
        sme, agency = _admin(orgs[sme_key]), _admin(orgs[agency_key])
        starts_on = _at(start).date()
        ends_on = starts_on.replace(year=starts_on.year + years) - timedelta(days=1)
        with clock_at(_at(start - 14)):
            agreement = custody.propose(sme, orgs[agency_key], starts_on=starts_on,
                                        ends_on=ends_on, fee_fen=fee * 100,
                                        scope=CUSTODY_SCOPE, note="委托托管本企业全部有效专利。")
        with clock_at(_at(start - 10)):
            custody.accept(agency, agreement)
        made += 1
        if after and after[0] == "renew":
            with clock_at(_morning(ends_on - timedelta(days=45))):
                custody.propose_renewal(agency, agreement, fee_fen=after[2] * 100,
                                        ends_on=ends_on.replace(year=ends_on.year + after[1]))
            with clock_at(_morning(ends_on - timedelta(days=40))):
                custody.accept(sme, agreement)
        elif after:
            with clock_at(_morning(starts_on + timedelta(days=after[1] - 30))):
                custody.terminate(sme, agreement, last_day=starts_on + timedelta(days=after[1]),
                                  reason="企业经营调整，专利转由自身管理。")
    with clock_at(now - timedelta(days=3)):
        custody.propose(_admin(orgs["sme6"]), orgs["agency2"],
                        starts_on=(now + timedelta(days=30)).date(),
                        ends_on=(now + timedelta(days=30 + 730)).date(), fee_fen=16_000_00,
                        scope=CUSTODY_SCOPE)
    return made + 1


def _licence_offer(untouched: list, owner: Organisation, before: datetime, words=()):
    """The first non-exclusive licence of ``owner`` published before ``before`` (its title
    holding one of ``words``, when one does)."""
    fit = [o for o in untouched if o.kind == OfferKind.LICENCE and o.patent.owner_org_id ==
           owner.id and o.patent.status.value == "published" and o.patent.published_at < before
           and getattr(o.licence_kind, "value", o.licence_kind) == "non_exclusive"]
    return next((o for o in fit if any(w in o.patent.title for w in words)), fit[0])


def _brokered(orgs: dict[str, Organisation], untouched: list, now: datetime) -> int:
    """SME 6 mandates agency 2 to find and negotiate a licence; its broker opens the request,
    the licensor accepts, both principals sign (a broker never signs); paid and recorded as
    the history's deals. A university mandates agency 1 to answer for it (negotiation only)."""
    from .services import deals, mandates
    centre = _admin(orgs["centre"])
    principal, broker = _admin(orgs["sme6"]), _admin(orgs["agency2"])
    granted = _at(1180)
    with clock_at(granted):
        mandates.grant(principal, orgs["agency2"], scope=MandateScope.NEGOTIATE_AND_DRAFT,
                       valid_from=granted.date(), valid_until=granted.date() + timedelta(days=730),
                       fee_fen=30_000_00)
    offer = _licence_offer(untouched, orgs["neut"], granted, ("铸", "机械", "装置"))
    licensor = _admin(offer.patent.owner)
    with clock_at(granted + timedelta(days=12)):
        deal = deals.request_deal(broker, offer, _proposal(offer),
                                  "受沈阳盛铸重工装备有限公司委托，洽谈该专利的普通许可。",
                                  for_org=orgs["sme6"])
    with clock_at(granted + timedelta(days=16)):
        deals.accept(deal, licensor)
    with clock_at(granted + timedelta(days=20)):
        _sign(deal, principal, licensor)
    last = now - timedelta(days=3)
    _pay(deal, licensor, centre, 3, last)
    _record(deal, licensor, 3, last)
    _report(deal, principal, 3, last)
    with clock_at(now - timedelta(days=200)):
        mandates.grant(_admin(orgs["syau"]), orgs["agency1"], scope=MandateScope.NEGOTIATE,
                       valid_from=(now - timedelta(days=200)).date(),
                       valid_until=(now + timedelta(days=530)).date())
    return 1


def _enterprise_open_licence(orgs: dict[str, Organisation], untouched: list,
                             now: datetime) -> int:
    """The larger enterprise takes an announced open licence of a university three months
    ago and signs it the next day; its fee is paid like the history's. The indicators count
    it as a licence (and its fee as contract value), not as an SME taking up a patent."""
    from .domain.open_licence import ANNOUNCED
    from .services import deals
    taker, taken = _admin(orgs["ent1"]), now - timedelta(days=90)
    universities = {orgs[key].id for key in ("neut", "sypu", "syau")}
    fit = [o for o in untouched if o.kind == OfferKind.OPEN_LICENCE
           and o.patent.owner_org_id in universities
           and o.patent.status.value == "published" and o.patent.published_at < taken
           and o.declaration_state == ANNOUNCED]
    offer = next((o for o in fit if o.upfront_fee_fen), fit[0])  # a fee shows in the value
    with clock_at(taken):
        deal = deals.take_open(taker, offer, _details(taker, taken.date()))
    with clock_at(taken + timedelta(days=1)):
        _sign(deal, taker)
    _pay(deal, _admin(offer.patent.owner), _admin(orgs["centre"]), 1, now - timedelta(days=3))
    return 1


# (SME, title, description, industry, wanted kind, budget in yuan (None: negotiable),
#  days before now it was posted, answers: (licensor, title words, collaboration, proposal))
DEMANDS = [
    ("sme4", "燃料电池余热回收与热水系统技术",
     "我公司生产分布式新能源供热设备，希望引进燃料电池发电余热回收、制取生活热水的成熟技术，"
     "用于园区和酒店项目，要求能在一年内完成样机。", "energy_environment", "non_exclusive",
     (200_000, 800_000), 120,
     [("sia", ("燃料电池", "热水"), False,
       "我所的燃料电池热水系统专利可直接用于样机，可派工程师协助调试。")]),
    ("sme11", "耐高温磁性陶瓷材料的制备工艺",
     "用于电机和电源模块的耐高温磁芯材料，工作温度二百摄氏度以上，希望获得许可或合作开发，"
     "我方有烧结生产线。", "new_materials", "any", None, 60,
     [("sypu", ("磁芯", "储能"), False, "本校高储能耐高温磁芯材料专利与需求吻合，欢迎来校洽谈。"),
      ("imr", (), True, "我院可与贵公司合作开发适合现有烧结线的配方，分阶段验证。")]),
    ("sme1", "轻量化铝基复合材料零件的成形工艺",
     "为轨道交通客户开发轻量化结构件，寻求高体积分数铝基复合材料的制备和成形技术。",
     "high_end_equipment", "any", None, 25,
     [("neut", ("铝基", "复合材料"), False, "本校铝基复合材料高压制备工艺已完成中试，可提供样件。")]),
    ("sme9", "果蔬冷链保鲜包装技术",
     "寻求可延长叶菜冷链保鲜期的包装或涂膜技术，用于辽中区蔬菜外销。", "modern_agriculture",
     "any", (50_000, 300_000), 2, []),
]


def _demands(orgs: dict[str, Organisation], untouched: list, now: datetime) -> int:
    """Posted by SMEs, published by the centre the next day, answered within the week; the
    first one's SME requests a licence of the patent it was offered; the last waits for
    moderation.

    The demands are matched against the listings after the load's commit (the search index
    is built then), which tells the licensors whose patents match: the demo's universities
    and institutes have chosen to read demand news in their inbox only (邮件设置), so that
    step emails no invented person."""
    from .demo_history import LICENSORS
    from .domain.mail_kinds import IN_APP, NEEDS
    from .services import deals, demands, mail_prefs
    centre = _admin(orgs["centre"])
    for key in LICENSORS:
        with clock_at(START):
            mail_prefs.set_choices(_admin(orgs[key]), {NEEDS: IN_APP})
    for n, (key, title, text, industry, kind, budget, ago, answers) in enumerate(DEMANDS):
        owner = _admin(orgs[key])
        posted = now - timedelta(days=ago)
        with clock_at(posted):
            demand = demands.create(owner, {
                "title": title, "description": text, "industry": industry, "ipc_codes": [],
                "budget_negotiable": budget is None,
                "budget_min_fen": budget and budget[0] * 100,
                "budget_max_fen": budget and budget[1] * 100, "wanted_kind": kind,
                "deadline": (now + timedelta(days=60 + 30 * n)).date(),
                "visibility": "public", "contact_preference": "platform"})
            demands.submit(demand, owner)
        if not answers:
            continue
        with clock_at(posted + timedelta(days=1)):
            demands.approve(demand, centre)
        for m, (licensor_key, words, collaboration, proposal) in enumerate(answers):
            licensor = orgs[licensor_key]
            chosen = [o.patent for o in untouched if words and o.patent.owner_org_id ==
                      licensor.id and o.patent.is_public and o.patent.published_at < posted
                      and any(w in o.patent.title for w in words)][:1]
            with clock_at(posted + timedelta(days=3 + m)):
                demands.answer(demand, _admin(licensor), patent_ids=[p.id for p in chosen],
                               proposal=proposal, collaboration=collaboration or not chosen)
        offer = next((o for o in untouched if chosen and o.patent_id == chosen[0].id
                      and o.kind == OfferKind.LICENCE), None)
        if n == 0 and offer is not None:
            with clock_at(posted + timedelta(days=10)):
                deals.request_deal(owner, offer, _proposal(offer),
                                   f"关于我方技术需求“{title}”：贵方答复推荐了本专利，希望洽谈普通许可。")
    return len(DEMANDS)


# (asker, question, answer (None: not answered yet), days before now)
QUESTIONS = [
    ("sme1", "请问该技术是否已有中试或量产数据？我们关心良品率。",
     "已完成中试，连续三批良品率在百分之九十五以上，数据可在签署保密协议后提供。", 40),
    ("sme4", "普通许可是否限定使用地域？我们计划在辽宁省内建线。",
     "普通许可不限地域，合同中约定使用领域即可。", 30),
    ("sme9", "许可后贵方能否提供技术培训和现场指导？", "可以，许可费含两次现场培训，每次三天。", 18),
    ("neut", "该专利是否有在审的改进申请？是否一并许可？", None, 6),
]


def _questions(orgs: dict[str, Organisation], untouched: list, now: datetime) -> int:
    """Public Q&A on recent listings, and some SMEs following them."""
    from .services import follows, questions
    recent = [o.patent for o in untouched if o.patent.is_public
              and o.patent.published_at < now - timedelta(days=120)][-12:]
    for n, (key, body, reply, ago) in enumerate(QUESTIONS):
        patent = [p for p in recent if p.owner_org_id != orgs[key].id][n * 2]
        with clock_at(now - timedelta(days=ago)):
            question = questions.ask(_admin(orgs[key]), patent, body)
            follows.follow(_admin(orgs[key]), patent)
        if reply:
            with clock_at(now - timedelta(days=ago - 2)):
                questions.answer(_admin(patent.owner), question, reply, public=True)
    for n, key in enumerate(("sme2", "sme5", "sme7")):
        with clock_at(now - timedelta(days=10 + n)):
            follows.follow(_admin(orgs[key]), recent[n * 3 + 1])
    return len(QUESTIONS)


def _exhibitions(orgs: dict[str, Organisation], untouched: list, now: datetime) -> int:
    """The centre's new-materials exhibition of last summer (its roadshow held) and this
    month's intelligent-manufacturing one, whose roadshow is still to come."""
    from .services import exhibitions
    centre = _admin(orgs["centre"])
    shows = [
        ("新材料专利技术线上展", "沈阳先进材料研究院、沈北理工大学的新材料专利集中展示，"
         "附线下路演。", now - timedelta(days=150), ("imr", "neut"), ("sme4", "sme11", "sme1")),
        ("智能制造与装备专利线上展", "智能装备、检测与机器人方向的可许可专利，本月开展，"
         "月底在浑南举办路演。", now - timedelta(days=8), ("sia", "neut", "imr"),
         ("sme1", "sme6", "sme5", "agency2")),
    ]
    for theme, text, opens, owners, visitors in shows:
        ids = [orgs[k].id for k in owners]
        featured = [o.patent for o in untouched if o.patent.owner_org_id in ids
                    and o.patent.is_public and o.patent.published_at < opens][-6:]
        ends = opens + timedelta(days=30)
        with clock_at(opens - timedelta(days=7)):
            exhibition = exhibitions.create(centre, exhibitions.ExhibitionDraft(
                theme=theme, description=text, starts_on=opens.date(), ends_on=ends.date(),
                numbers=[p.application_number for p in featured], org_ids=ids,
                roadshow_at=_morning((ends - timedelta(days=5)).date()) + timedelta(hours=4),
                roadshow_place="沈阳市浑南区知识产权运营服务中心路演厅"))
        for n, key in enumerate(visitors):
            with clock_at(min(opens + timedelta(days=1 + 2 * n), now - timedelta(days=1))):
                exhibitions.sign_up(_admin(orgs[key]), exhibition)
    return len(shows)
