"""Chinese for the strings of issue 12's accounts part (sessions, log-in throttling, password
policy, organisation name changes), applied by tools/fill_po.py."""
ZH = {
"A verified organisation's new name or credit code takes effect once the IP service centre has checked it.":
    '已认证机构的新名称或新统一社会信用代码须经知识产权运营服务中心审核后生效。',
'%(org)s: the change is verified.': '%(org)s：变更已审核通过。',
'%(org)s: the change was refused; the organisation has been told why.':
    '%(org)s：变更未通过，已将原因告知该机构。',
'The profile has been saved. The new name or credit code takes effect once the IP service centre has checked it.':
    '资料已保存。新名称或新统一社会信用代码须经知识产权运营服务中心审核后生效。',
'Too many failed log-ins for this account. Try again in %(minutes)d minutes, or reset your password.':
    '该账号登录失败次数过多。请 %(minutes)d 分钟后再试，或重置密码。',
'Another organisation on the platform has this credit code. Ask the IP service centre if it is yours.':
    '平台上已有其他机构使用该统一社会信用代码。如确属贵机构，请联系知识产权运营服务中心。',
'Shenyang IP Market: your change is verified': '沈阳知识产权交易平台：机构信息变更已审核通过',
'The centre verified the change: %(org)s (%(code)s).': '中心已审核通过变更：%(org)s（%(code)s）。',
'Shenyang IP Market: change refused': '沈阳知识产权交易平台：机构信息变更未通过',
'The centre did not verify the change to %(org)s: %(reason)s': '中心未通过 %(org)s 的信息变更：%(reason)s',
'This password is a simple pattern (repeated characters, a sequence, a keyboard row or a date) and easy to guess; choose another.':
    '该密码是简单规律（重复字符、连续序列、键盘上的一排键或日期），容易被猜到，请换一个。',
"This password is too easy to guess: it is made of common words or names (such as the site's or your own). Add more words or choose another.":
    '该密码太容易被猜到：它由常见词语或名称（例如本站名称或您自己的名字）组成。请多加几个词，或换一个。',
'Changes of name or credit code': '名称或统一社会信用代码变更',
'No verified organisation is waiting for a change.': '暂无待审核的机构信息变更。',
'Until you verify a change, the organisation keeps its verified name and credit code everywhere; concluded contracts keep the names they were concluded under.':
    '在您审核通过之前，该机构在各处仍使用已认证的名称和统一社会信用代码；已订立的合同保留订立时的名称。',
'asked %(when)s': '申请于 %(when)s',
'Verify the change': '审核通过变更',
'Refuse the change': '不予变更',
'Waiting for the IP service centre (asked %(when)s): until it has checked the change, the platform shows the verified name and credit code.':
    '等待知识产权运营服务中心审核（申请于 %(when)s）：审核通过前，平台显示已认证的名称和统一社会信用代码。',
'The type of organisation cannot be changed; ask the centre if it is wrong.': '机构类型不能修改；如有错误，请联系中心。',
'Organisation name': '机构名称',
}
