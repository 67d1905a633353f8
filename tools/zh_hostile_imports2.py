"""Chinese for the messages of the streamed import preview (issue 12), applied by tools/fill_po.py."""
ZH = {
('… and %(num)d more error in further rows.', '… and %(num)d more errors in further rows.'):
    ('……其余各行另有 %(num)d 处错误未列出。',),
}
