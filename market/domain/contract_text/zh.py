"""The contract in Chinese: the authoritative text."""
from __future__ import annotations

from ..amount_words import amount_in_words
from ..money import format_fen
from .base import Section, as_date, local_moment, profit_base, rate

KIND = {"exclusive": "独占实施许可", "sole": "排他实施许可", "non_exclusive": "普通实施许可",
        "open_licence": "开放许可（普通实施许可）", "assignment": "专利权转让"}
KIND_MEANING = {
    "exclusive": "在许可地域、实施领域和许可期限内，甲方只许可乙方一方实施本专利，甲方自己及任何第三方均不得实施本专利。",
    "sole": "在许可地域、实施领域和许可期限内，甲方只许可乙方一方实施本专利，不再许可任何第三方实施，但甲方保留自己实施本专利的权利。",
    "non_exclusive": "在许可地域、实施领域和许可期限内，乙方可以实施本专利；甲方可以自己实施本专利，也可以许可第三方实施。",
    "open_licence": "乙方依甲方的开放许可声明取得普通实施许可；甲方可以自己实施本专利，并对其他依该声明通知并付费的人同样给予许可。",
}
PATENT_TYPE = {"invention": "发明", "utility_model": "实用新型", "design": "外观设计"}
LEGAL_STATUS = {"granted": "有效（已授权）", "pending": "审查中（未授权）", "terminated": "已终止",
                "withdrawn": "已撤回或驳回"}
SCHEDULE_KIND = {"upfront": "签约时支付的许可费", "deferred_upfront": "延期支付的许可费",
                 "minimum_annual_royalty": "年度最低提成费", "assignment_price": "转让价款",
                 "broker_fee": "技术经纪服务费"}
NUMERALS = "零一二三四五六七八九十"
BLANK = "＿＿＿＿＿＿＿＿＿＿"


def day(value: str | None) -> str:
    d = as_date(value)
    return f"{d.year}年{d.month}月{d.day}日" if d else "—"


def money(fen: int, currency: str = "CNY") -> str:
    """人民币800,000.00元（大写：捌拾万元整）: figures and words, as contracts write sums."""
    if currency != "CNY":
        return format_fen(fen, currency)
    yuan, cents = divmod(fen, 100)
    return f"人民币{yuan:,}.{cents:02d}元（大写：{amount_in_words(fen)}）"


def article(n: int) -> str:
    """第一条 … 第二十条 (the contract never has more)."""
    if n <= 10:
        return f"第{NUMERALS[n]}条"
    tens, unit = divmod(n, 10)
    return f"第{'' if tens == 1 else NUMERALS[tens]}十{NUMERALS[unit] if unit else ''}条"


def is_assignment(data: dict) -> bool:
    return data["kind"] == "assignment"


def party_label(data: dict, role: str) -> str:
    if is_assignment(data):
        return "转让方（甲方）" if role == "licensor" else "受让方（乙方）"
    return "许可方（甲方）" if role == "licensor" else "被许可方（乙方）"


def title(data: dict) -> str:
    return "专利权转让合同" if is_assignment(data) else "专利实施许可合同"


def platform(data: dict) -> str:
    return data["platform"]["name_zh"]


MARK = None  # the Chinese text is the authoritative one


def header_lines(data: dict) -> list[str]:
    number = data.get("contract_number") or "（签署时编号）"
    version = f"　版本：{data['version']}" if data.get("version") is not None else ""
    return [f"合同编号：{number}{version}", f"合同类型：{KIND[data['kind']]}",
            f"签订方式：通过{platform(data)}以电子方式签订　签订地点：辽宁省沈阳市"]


def footer(data: dict, digest: str) -> str:
    return f"合同编号 {data.get('contract_number') or '—'} · 合同数据 SHA-256 {digest}"


def page_label(n: int) -> str:
    return f"第 {n} 页"


# --- the clauses --------------------------------------------------------------------------

def _party(data: dict, role: str) -> list[str]:
    p = data["parties"][role]
    lines = [f"{party_label(data, role)}：{p['name']}", f"统一社会信用代码：{p['credit_code']}",
             f"住所：{p['address']}"]
    lines.append(f"法定代表人：{p['legal_representative']}" if p.get("legal_representative")
                 else "法定代表人或授权代表：见本合同签署栏所载签署人")
    contact = "，".join(x for x in (p.get("contact_name"), p.get("contact_phone"),
                                    p.get("contact_email")) if x)
    if contact:
        lines.append(f"联系人及联系方式：{contact}")
    return lines


def _parties(data: dict) -> Section:
    return Section("parties", "合同当事人", _party(data, "licensor") + _party(data, "licensee"))


def _recitals(data: dict) -> Section:
    if is_assignment(data):
        lines = ["鉴于甲方是本合同第二条所列专利的专利权人，愿意将该专利权转让给乙方；",
                 "鉴于乙方愿意受让该专利权并支付转让价款；"]
    else:
        lines = ["鉴于甲方是本合同第二条所列专利的专利权人，有权许可他人实施该专利；",
                 "鉴于乙方希望在本合同约定的范围内实施该专利；"]
    if data["kind"] == "open_licence":
        ol = data["open_licence"]
        announced = (f"（声明日：{day(ol['declared_on'])}；公告号：{ol['announcement_number']}）"
                     if ol.get("declared_on") and ol.get("announcement_number") else "")
        lines.append(f"鉴于甲方已就该专利作出开放许可声明并经国务院专利行政部门公告{announced}，乙方已于"
                     f"{day(ol['notice_on'])}以书面方式通知甲方实施该专利，并将依照公告的许可使用费"
                     "支付方式和标准支付许可使用费（《中华人民共和国专利法》第五十条、第五十一条）；")
    lines.append("双方根据《中华人民共和国民法典》《中华人民共和国专利法》及有关法规的规定，本着平等、"
                 "自愿、公平和诚实信用的原则，订立本合同，共同遵守。")
    return Section("recitals", "鉴于", lines)


def _definitions(data: dict) -> list[str]:
    lines = ["“本专利”，指本合同所列的专利。",
             "“生效日”，指本合同依其约定生效之日。"]
    if not is_assignment(data):
        lines[1:1] = [
            "“合同产品”，指乙方实施本专利制造、销售、许诺销售或进口的产品，以及使用本专利方法"
            "直接获得的产品。",
            "“净销售额”，指乙方销售合同产品的全部收入，扣除增值税、退货及经书面确认的折让后的金额。",
            *(["“利润”，指乙方销售合同产品的净销售额扣除其合理的直接成本、期间费用及税金后的"
               "金额，按乙方年度财务报表核算。"] if profit_base(data) else []),
            "“许可年度”，指自许可期限起始日起每满十二个月的期间。"]
    return lines


def _patent_lines(data: dict) -> list[str]:
    lines = []
    for n, p in enumerate(data["patents"], start=1):
        prefix = f"（{NUMERALS[n]}）" if len(data["patents"]) > 1 else ""
        grant = day(p["grant_date"]) if p["grant_date"] else "尚未授权"
        if p.get("grant_number"):
            grant += f"（授权公告号：{p['grant_number']}）"
        lines += [f"{prefix}专利名称：{p['title']}", (f"专利号：{p['patent_number']}" if p.get("patent_number")
                   else f"专利申请号：{p['application_number']}"),
                  f"专利类型：{PATENT_TYPE.get(p['type'], p['type'])}",
                  f"申请日：{day(p['filing_date'])}", f"授权公告日：{grant}",
                  f"法律状态（合同冻结日）：{LEGAL_STATUS.get(p['legal_status'], p['legal_status'])}",
                  f"专利权期满终止日：{day(p['expiry_date'])}"]
    return lines


def _scope(data: dict) -> list[str]:
    scope, term, kind = data["scope"], data["term"], data["kind"]
    lines = [f"许可方式：{KIND[kind]}。{KIND_MEANING[kind]}",
             "许可实施的行为：为生产经营目的制造、使用、销售、许诺销售、进口合同产品，或使用本专利方法。",
             f"许可地域：{scope['territory']}。"]
    if kind == "open_licence":
        field = f"乙方书面通知中申报的实施领域：{scope['field_of_use'] or '—'}。"
        declared = data["open_licence"].get("declared_field_of_use")
        if declared:
            field += f"该领域以甲方开放许可声明限定的领域（{declared}）为限。"
        lines.append(field)
    else:
        lines.append(f"实施领域：{scope['field_of_use'] or '不限领域'}。")
    period = f"许可期限：{term['years']}年，自{day(term['start'])}起至{day(term['end'])}止。"
    if term["capped_by_patent"]:
        period += "本专利在约定年限届满前期满终止，许可期限随之于上述日期届满。"
    lines += [period, "未经甲方书面同意，乙方不得许可任何第三方实施本专利（不得分许可）。"]
    return lines


def _delivery(data: dict) -> list[str]:
    return ["甲方应自生效日起15日内，通过交易平台或以书面方式向乙方交付本专利的授权公告文本（说明书、"
            "权利要求书及附图）、专利证书复印件及最近一期年费缴纳凭证。"]


def _fee_lines(data: dict) -> list[str]:
    f, cur = data["fees"], data["fees"]["currency"]
    if is_assignment(data):
        return [f"转让价款：{money(f['price_fen'], cur)}。"]
    mode, fee = f["upfront_mode"], money(f["upfront_fee_fen"], cur)
    if mode == "waived" or not f["upfront_fee_fen"]:
        lines = ["入门费：甲方同意免收入门费（一次性许可费）。"]
    elif mode == "deferred" and f["deferral_kind"] == "months":
        lines = [f"入门费：{fee}，延期至生效日后{f['deferral_months']}个月支付。"]
    elif mode == "deferred":
        lines = [f"入门费：{fee}，延期至乙方首次销售合同产品后30日内支付。"]
    elif mode == "reduced":
        lines = [f"入门费：{fee}（甲方减收后的金额），于生效日支付。"]
    else:
        lines = [f"入门费：{fee}，于生效日支付。"]
    if not f["royalty_bp"]:
        lines.append("提成费：本合同不收取提成费。")
    elif profit_base(data):
        above = (f"合同产品净销售额超过{money(f['royalty_threshold_fen'], cur)}的许可年度，"
                 if f["royalty_threshold_fen"] else "")
        lines.append(f"提成费：{above}按乙方实施本专利所得合同产品利润的{rate(f['royalty_bp'])}计付。")
    elif f["royalty_threshold_fen"]:
        lines.append(f"提成费：每一许可年度合同产品净销售额超过{money(f['royalty_threshold_fen'], cur)}"
                     f"的部分，按{rate(f['royalty_bp'])}计付。")
    else:
        lines.append(f"提成费：按合同产品净销售额的{rate(f['royalty_bp'])}计付。")
    if f["min_annual_royalty_fen"]:
        lines.append(f"年度最低提成费：每一许可年度{money(f['min_annual_royalty_fen'], cur)}；当年提成费"
                     "低于该数额的，乙方于该许可年度届满时补足差额。")
    lines.append(f"本合同约定的固定金额合计：{money(f['fixed_total_fen'], cur)}"
                 "（不含超出年度最低提成费的提成费）。")
    return lines


def _schedule_lines(data: dict) -> list[str]:
    if not data["schedule"]:
        return ["付款计划：本合同无固定付款项目。"]
    lines = ["付款计划："]
    for n, item in enumerate(data["schedule"], start=1):
        when = (f"到期日{day(item['due_on'])}（本合同于该日之后生效的，为生效之日）" if item["due_on"]
                else "乙方首次销售合同产品后30日内")
        ref = f"，付款参考号{item['reference']}" if item.get("reference") else ""
        lines.append(f"（{n}）{SCHEDULE_KIND.get(item['kind'], item['kind'])}："
                     f"{money(item['amount_fen'], item['currency'])}，{when}{ref}。")
    return lines


def _payee_lines(data: dict) -> list[str]:
    payee = data["payment"]["payee"]
    if payee["party"] == "centre":
        who = (f"乙方应将各项款项支付至{platform(data)}运营中心的账户（户名：{payee['account_name']}），"
               "由运营中心确认收款后转付甲方；运营中心的收款视为甲方收款。")
    else:
        who = f"乙方应将各项款项直接支付给甲方（户名：{payee['account_name']}）。"
    if payee.get("by_card"):
        return [f"支付方式：通过交易平台在线刷卡支付，款项由{platform(data)}运营中心代收（户名："
                f"{payee['account_name']}），经支付机构确认到账后由运营中心转付甲方；运营中心的收款视为甲方收款。"]
    if payee.get("bank") and payee.get("account_number"):
        account = f"收款账户：开户银行{payee['bank']}，账号{payee['account_number']}。"
    else:
        account = "收款账户以交易平台本合同付款页面载明、经收款方登记的银行账户为准。"
    return ["支付方式：银行转账。" + who, account,
            "乙方付款时应注明付款参考号，并通过交易平台上传付款凭证；收款方应在收到款项后确认收款。"]


def _fees(data: dict) -> list[str]:
    return _fee_lines(data) + _schedule_lines(data) + _payee_lines(data) + [
        "因履行本合同发生的税费，由双方依照法律规定各自承担。"]


def _reporting(data: dict) -> list[str]:
    r = data["reporting"]
    if not r:
        return ["本合同不收取提成费，乙方无需提交销售报告；甲方合理要求时，乙方应告知本专利的实施情况。"]
    return [f"乙方应于每个自然季度结束后{r['days_after_period']}日内，通过交易平台向甲方报告上一季度合同产品"
            f"的销售数量、净销售额{'、利润及其计算' if profit_base(data) else ''}和应付提成费，"
            "并同时支付该季度提成费。",
            "乙方应建立合同产品的完整账目，保存至本合同终止后三年。",
            f"甲方每年可以委托会计师事务所查阅乙方与合同产品有关的账目{r['audit_per_year']}次，应提前15日"
            f"书面通知乙方。查账费用由甲方承担；查明乙方少付提成费超过应付金额{rate(r['audit_underpayment_bp'])}"
            "的，查账费用由乙方承担，乙方并应补足少付部分。"]


def _assistance(data: dict) -> list[str]:
    if data.get("technical_assistance"):
        return [f"甲方向乙方提供以下技术服务与培训：{data['technical_assistance']}"]
    return ["双方未约定技术服务与培训。乙方需要甲方提供技术指导或培训的，双方另行签订书面协议。"]


def _improvements(data: dict) -> list[str]:
    return ["在本合同有效期内，任何一方对本专利技术作出的后续改进，其成果及相应的知识产权归完成改进的"
            "一方所有。",
            "一方作出改进的，可以通知另一方；对方希望实施该改进成果的，双方另行协商，同等条件下对方"
            "享有优先获得许可的权利。本合同不限制任何一方在本专利基础上进行新的研究开发。"]


def _warranties(data: dict) -> list[str]:
    lines = ["甲方保证：甲方是本专利的合法专利权人，有权订立并履行本合同；x",
             "甲方保证：本专利未设立质押，或者已就本合同取得质权人的书面同意（《中华人民共和国民法典》"
             "第四百四十四条）。"]
    if is_assignment(data):
        lines += ["甲方保证：在登记之日前按期缴纳年费，维持本专利有效；已如实告知乙方本专利已订立的实施许可"
                  "合同，该等合同不受本合同影响。"]
    else:
        lines += ["甲方保证：在许可期限内按期缴纳年费，维持本专利有效。"]
        if data["kind"] in ("exclusive", "sole"):
            lines.append("甲方保证：未就本专利在许可地域和实施领域内订立与本合同相冲突的其他实施许可合同，"
                         "许可期限内也不订立此类合同。")
        lines.append("乙方保证：在约定的地域、领域和期限内实施本专利，按期支付款项，不超出许可范围。")
    lines.append("甲方不保证实施本专利必然取得预期的技术效果或经济效益；乙方实施本专利被第三方指控侵权的，"
                 "甲方应提供必要的协助，甲方明知存在侵权风险而未告知的，应承担相应责任。")
    return lines


def _confidentiality(data: dict) -> list[str]:
    return ["双方对在订立和履行本合同过程中知悉的对方技术秘密和经营信息负有保密义务，未经对方书面同意，"
            f"不得向第三方披露或用于本合同以外的目的。本条义务在本合同终止后{data['confidentiality_years']}年内"
            "继续有效。已公开的专利文献不属于保密信息。"]


def _infringement(data: dict) -> list[str]:
    kind = data["kind"]
    if kind == "exclusive":
        who = "乙方可以单独向人民法院提起诉讼，甲方应予协助。"
    elif kind == "sole":
        who = "乙方可以与甲方共同起诉；甲方不起诉的，乙方可以自行提起诉讼。"
    else:
        who = "由甲方决定是否起诉，乙方应予协助。"
    return ["在许可期限内发现第三方侵犯本专利的，发现的一方应及时书面通知另一方。" + who]


def _invalidity(data: dict) -> list[str]:
    subject = "专利权转让合同" if is_assignment(data) else "专利实施许可合同"
    return ["本专利在本合同履行期间被宣告无效或者因期满以外的原因终止的，本合同自宣告无效或终止之日起"
            "终止。",
            f"依照《中华人民共和国专利法》第四十七条，宣告专利权无效的决定，对已经履行的{subject}不具有"
            "追溯力；但因甲方的恶意给乙方造成损失的，甲方应予赔偿；甲方不返还已收取的款项明显违反公平原则"
            "的，应当全部或者部分返还。"]


def _breach(data: dict) -> list[str]:
    late = data["late_payment"]
    lines = [f"乙方逾期付款的，每逾期一日，按逾期金额的{rate(late['interest_bp_per_day'])}向甲方支付违约金；"
             f"逾期超过{late['terminate_after_days']}日的，甲方可以书面通知解除本合同，并要求乙方支付已到期"
             "款项和违约金。"]
    if is_assignment(data):
        lines.append("甲方不按约定办理登记手续，或者违反本合同保证的，乙方可以解除本合同，要求甲方返还已付"
                     "价款并赔偿损失。")
    else:
        lines += ["乙方超出约定的地域、领域或期限实施本专利，或者未经同意许可第三方实施的，应当停止违约"
                  "行为，承担违约责任；情节严重的，甲方可以解除本合同。",
                  "甲方违反本合同保证或实施许可方式的约定的，乙方可以解除本合同，要求甲方返还已付许可"
                  "使用费中相应部分并赔偿损失。"]
    lines.append("一方违约给对方造成损失的，应当赔偿损失；因不可抗力不能履行的，依法部分或者全部免除责任。")
    return lines


def _effect(data: dict) -> list[str]:
    if data["kind"] == "open_licence":
        lines = ["本合同自乙方通过交易平台完成电子签署之日起生效；乙方已书面通知甲方，并依照公告的标准"
                 "支付应付的许可使用费后，即取得本专利的实施许可（《中华人民共和国专利法》第五十一条）。"]
    else:
        lines = ["本合同自双方均通过交易平台完成电子签署之日起生效。"]
    if is_assignment(data):
        lines.append("本合同的变更须经双方以书面形式（包括经交易平台双方签署的新版本）确认。")
    else:
        lines += ["许可期限届满，本合同终止。本合同的变更须经双方以书面形式（包括经交易平台双方签署的新"
                  "版本）确认。",
                  "本合同终止后，乙方不得继续实施本专利；终止前已制造的合同产品，乙方可以在终止后六个月内"
                  "销售完毕，并依约支付提成费。"]
    return lines


def _recording(data: dict) -> list[str]:
    rec = data["recording"]
    if rec["duty"] == "registration":
        return ["依照《中华人民共和国专利法》第十条，专利权的转让自国务院专利行政部门登记之日起生效，"
                "本合同本身不转移专利权。",
                f"甲方应自生效日起{rec['within_days']}日内向国家知识产权局办理专利权转让登记（著录项目变更）"
                "手续，乙方应予协助；登记之日前，本专利的权利义务仍由甲方承受。",
                "双方可以向科技主管部门申请技术合同认定登记，另一方应予协助。"]
    if rec["mandatory"]:
        lines = [f"甲方应自生效日起{rec['within_months']}个月内向国家知识产权局办理专利实施许可合同备案"
                 "手续，乙方应予协助。备案不影响本合同的效力。"]
    else:
        lines = ["甲方可以凭本合同及乙方的书面通知向国家知识产权局办理开放许可实施合同备案，乙方应予协助。"
                 "备案不影响本合同的效力。"]
    if data["term"]["years"] >= 5:
        lines.append("本合同许可期限在五年以上，双方可以向科技主管部门申请技术合同认定登记，另一方应予协助。")
    return lines


def _dispute(data: dict) -> list[str]:
    d = data["dispute"]
    return ["本合同的订立、效力、解释、履行和争议解决均适用中华人民共和国法律。",
            f"因本合同引起的或者与本合同有关的争议，双方应协商解决；协商不成的，任何一方均可将争议提交"
            f"{d['institution_zh']}，按照申请仲裁时该会现行有效的仲裁规则进行仲裁。仲裁裁决是终局的，"
            "对双方均有约束力。"]


def _other(data: dict) -> list[str]:
    return ["本合同以中文订立，另附英文参考译本；两种文本不一致的，以中文文本为准。",
            f"本合同通过{platform(data)}以电子方式订立。依照《中华人民共和国电子签名法》，各方签署人经身份"
            "核验后作出的可靠电子签名，与手写签名或者盖章具有同等的法律效力。",
            "本合同数据的SHA-256摘要载于每页页脚；签署后对合同内容的任何改动均可被发现。各方可以随时从交易"
            "平台下载本合同，下载文本与签署文本一致。"]


LICENCE = (("definitions", "定义", _definitions), ("patent", "许可实施的专利", _patent_lines),
           ("scope", "许可方式与范围", _scope), ("delivery", "技术资料的交付", _delivery),
           ("fees", "许可使用费及支付方式", _fees), ("reporting", "销售报告与查账", _reporting),
           ("assistance", "技术服务与培训", _assistance), ("improvements", "后续改进", _improvements),
           ("warranties", "双方的保证", _warranties), ("confidentiality", "保密", _confidentiality),
           ("infringement", "侵权的处理", _infringement),
           ("invalidity", "专利权被宣告无效或终止", _invalidity), ("breach", "违约责任", _breach),
           ("effect", "合同的生效、变更与终止", _effect), ("recording", "合同备案", _recording),
           ("dispute", "争议的解决", _dispute), ("other", "其他", _other))
ASSIGNMENT = (("definitions", "定义", _definitions), ("patent", "转让的专利", _patent_lines),
              ("delivery", "技术资料的交付", _delivery), ("fees", "转让价款及支付方式", _fees),
              ("recording", "专利权转让登记", _recording), ("warranties", "甲方的保证", _warranties),
              ("confidentiality", "保密", _confidentiality),
              ("invalidity", "专利权被宣告无效", _invalidity), ("breach", "违约责任", _breach),
              ("effect", "合同的生效与变更", _effect), ("dispute", "争议的解决", _dispute),
              ("other", "其他", _other))


def sections(data: dict) -> list[Section]:
    articles = ASSIGNMENT if is_assignment(data) else LICENCE
    return [_parties(data), _recitals(data)] + [
        Section(key, f"{article(n)} {heading}", build(data))
        for n, (key, heading, build) in enumerate(articles, start=1)]


# --- the signature page --------------------------------------------------------------------

SIGNATURE_HEADING = "签署"


def signature_lines(data: dict, role: str, signature: dict | None) -> list[tuple[str, str]]:
    """The block one party seals and signs: filled from its electronic signature, or blank
    lines to complete by hand."""
    name = (signature or {}).get("org_name") or data["parties"][role]["name"]
    if not signature:
        return [(party_label(data, role), f"{name}（盖章）"),
                ("法定代表人或授权代表（签字）", BLANK), ("日期", "＿＿＿＿年＿＿月＿＿日")]
    at = local_moment(signature["signed_at"])
    return [(party_label(data, role), f"{name}（电子签名）"),
            ("法定代表人或授权代表", signature["signer_name"]),
            ("签署时间", f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}（北京时间）"),
            ("所签合同数据摘要（SHA-256）", signature["sha256"])]
