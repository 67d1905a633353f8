"""Chinese for the strings of issue 12's index part (degraded search), applied by tools/fill_po.py."""
ZH = {
    "Search is degraded: the search index cannot be read right now. These listings come "
    "straight from the database, newest first, matched on title, abstract and number, without "
    "ranking.": "搜索功能已降级：搜索索引暂时无法读取。以下挂牌直接取自数据库，按发布时间从新到旧排列，"
                "仅按标题、摘要和专利号匹配，不做相关度排序。",
}
