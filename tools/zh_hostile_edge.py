"""Chinese translations of issue 12's edge checks (market/edge.py), applied by tools/fill_po.py."""
ZH = {
'The request contains a NUL character (U+0000), which the platform does not accept. Remove it and try again.':
    '请求中含有 NUL 字符（U+0000），平台不接受该字符。请删除后重试。',
}
