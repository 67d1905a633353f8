"""Chinese for the msgids added by the hostile-imports branch (issue 12: F2, F7, NUL cells)."""

ZH = {
    "The file has more than %(n)d rows. Split it into several files of at most %(n)d rows each.":
        "文件超过 %(n)d 行。请拆分为多个文件，每个文件最多 %(n)d 行。",
    "Line %(line)d has a cell longer than %(n)d characters (the most a spreadsheet cell holds).":
        "第 %(line)d 行有单元格超过 %(n)d 个字符（电子表格单元格的上限）。",
    "Line %(line)d has more than %(n)d cells. Keep only the template's columns.":
        "第 %(line)d 行超过 %(n)d 个单元格。请只保留模板中的列。",
    "The Excel file holds far more data than a portfolio of %(n)d rows. Save only the patent "
    "list as a new .xlsx file.":
        "该 Excel 文件的数据量远超 %(n)d 行的专利清单。请只将专利清单另存为新的 .xlsx 文件。",
    "A cell holds more than %(n)d characters (the most a spreadsheet cell holds).":
        "有单元格超过 %(n)d 个字符（电子表格单元格的上限）。",
    "Remove the control character (such as NUL) from this cell.":
        "请删除此单元格中的控制字符（如 NUL）。",
    "This import preview has expired or was already used. Upload the file again.":
        "此导入预览已过期或已使用，请重新上传文件。",
}
