"""Chinese text analysis for the search engine (jieba + Whoosh).

One function, :func:`segment`, turns text into index terms; it is used at
index time (often in worker processes) and at query time, so both sides see
exactly the same terms.  Pipeline:

* full-width ASCII (``ＧＯ６Ｆ``, ``１２３``, ideographic space) folded to
  half-width, everything lower-cased (a 1:1 character mapping, so offsets in
  normalised text are offsets in the original: the highlighter relies on it);
* jieba search-mode segmentation (``cut_for_search``) with HMM off, so a
  query and a document containing the same characters are cut the same way;
* punctuation / whitespace dropped, a small stopword list removed;
* ASCII words stemmed (Porter), Chinese untouched.

The jieba dictionary is loaded once per process (:func:`ensure_jieba`), and
domain vocabulary (石墨烯, 基因编辑, ...) is added with ``jieba.add_word`` so
such compounds are kept whole (search mode still emits their sub-words).
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
from collections.abc import Iterable, Iterator

from whoosh.analysis import Token, Tokenizer
from whoosh.lang.porter import stem as _porter_stem

__all__ = [
    "normalise_text",
    "ensure_jieba",
    "add_domain_words",
    "added_domain_words",
    "segment",
    "segment_weighted",
    "segment_weighted_prefix",
    "query_words",
    "clean_token",
    "ChineseTokenizer",
    "chinese_analyzer",
    "PreTokenized",
    "STOPWORDS",
    "DOMAIN_WORDS",
]

# --------------------------------------------------------------------------
# normalisation
# --------------------------------------------------------------------------
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
_FULLWIDTH[0x3002] = 0x3002  # keep 。 as is (punctuation, dropped later)
_NORM_TABLE = str.maketrans(_FULLWIDTH)


def normalise_text(text: str) -> str:
    """Fold full-width ASCII to half-width and lower-case.

    Character-for-character (len(result) == len(text)) so that offsets are
    preserved.
    """
    if not text:
        return ""
    out = text.translate(_NORM_TABLE).lower()
    if len(out) != len(text):  # exotic lower() expansions (e.g. 'İ')
        out = "".join(
            (c.lower() if len(c.lower()) == 1 else c) for c in text.translate(_NORM_TABLE)
        )
    return out


# --------------------------------------------------------------------------
# stopwords and domain vocabulary
# --------------------------------------------------------------------------
STOPWORDS = frozenset(
    """
    的 了 和 与 及 或 在 是 为 对 由 等 其 该 之 所 也 就 都 而 且 并 以 于 将 把 被 从 向 到 这 那 此
    个 着 得 地 又 即 则 但 若 如 因 故 使 让 给 对于 关于 以及 及其 其中 所述 一种 一个 一些 这种 那种
    本 本发明 本实用新型 本申请 本公开 发明 实用新型 公开 涉及 包括 包含 具有 通过 进行 使得 用于
    可以 能够 能 可 会 要 需 需要 我们 我 你 他 她 它 他们 其他 以上 以下 之间 之一 并且 或者 以便
    a an the of and or to in on for with by from as at is are be this that which its
    """.split()
)

# A starter domain vocabulary (technology terms jieba's stock dictionary cuts
# apart).  More words come from listing keywords at build time.
DOMAIN_WORDS = tuple(
    """
    石墨烯 基因编辑 碳纳米管 纳米材料 锂离子电池 钠离子电池 固态电池 燃料电池 储能 光伏 钙钛矿 量子点
    氢燃料 氢能 碳纤维 复合材料 高温合金 钛合金 镁合金 铝合金 稀土永磁 增材制造 3d打印 激光熔覆
    工业机器人 协作机器人 数控机床 智能制造 工业互联网 物联网 区块链 云计算 边缘计算 大数据 人工智能
    机器学习 深度学习 神经网络 卷积神经网络 计算机视觉 图像识别 语音识别 自然语言处理 知识图谱 数字孪生
    无人机 自动驾驶 新能源汽车 电动汽车 动力电池 电池管理系统 充电桩 传感器 集成电路 芯片 半导体
    基因测序 单克隆抗体 抗体药物 干细胞 细胞治疗 疫苗 中药 中药材 靶向药物 纳米药物 医疗器械 生物医药
    生物传感器 生物降解 可降解 益生菌 转基因 分子标记 育种 水稻 玉米 大豆 节水灌溉 智慧农业 农业机械
    污水处理 废水处理 烟气脱硫 脱硝 除尘 固废 危废 土壤修复 碳捕集 余热回收 节能减排 环境监测
    柔性显示 有机发光 液晶显示 5g 通信基站 毫米波 天线 光纤 激光雷达 毫米波雷达
    """.split()
)

_jieba_lock = threading.RLock()
_jieba_ready = False
_added_words: set[str] = set()


def ensure_jieba():
    """Load jieba's dictionary once per process and return the module."""
    global _jieba_ready
    if _jieba_ready:
        import jieba

        return jieba
    with _jieba_lock:
        if not _jieba_ready:
            with warnings.catch_warnings():
                # jieba opens its dictionary files without closing some of them
                # (ResourceWarning) and uses deprecated pkg_resources paths on
                # some versions: keep that noise out of -W error runs.
                warnings.simplefilter("ignore")
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
            for w in DOMAIN_WORDS:
                _add_word_locked(jieba, w)
            _jieba_ready = True
    import jieba

    return jieba


def _add_word_locked(jieba, word: str) -> bool:
    word = normalise_text(word).strip()
    if len(word) < 2 or word in _added_words or any(c.isspace() for c in word):
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        jieba.add_word(word)
    _added_words.add(word)
    return True


def add_domain_words(words: Iterable[str]) -> int:
    """Add domain terms to jieba's dictionary (idempotent). Returns how many were new."""
    jieba = ensure_jieba()
    n = 0
    with _jieba_lock:
        for w in words:
            if w and _add_word_locked(jieba, w):
                n += 1
    return n


def added_domain_words() -> list[str]:
    return sorted(_added_words)


# --------------------------------------------------------------------------
# segmentation
# --------------------------------------------------------------------------
# Index weight of a search-mode piece of a longer word (沥青 of 沥青混合料) relative to a
# whole word: the document mentions the query word only inside another concept.
SUBWORD_WEIGHT = 0.5
_ASCII_WORD = re.compile(r"^[a-z]+$")
_KEEP = re.compile(r"[0-9a-z\u3400-\u9fff\uf900-\ufaff]")


def _post(tok: str) -> str | None:
    """Filter / stem one jieba token (already normalised). None = drop."""
    if tok in STOPWORDS:
        return None
    if not _KEEP.search(tok):
        return None  # punctuation, whitespace, symbols
    if tok.isascii():
        tok = tok.strip("._-+&%#")
        if not tok:
            return None
        if len(tok) > 3 and _ASCII_WORD.match(tok):
            tok = _porter_stem(tok)
    return tok


def segment(text: str, normalised: bool = False) -> list[str]:
    """Index/query terms of ``text`` (search-mode, in order, duplicates kept)."""
    if not text:
        return []
    jieba = ensure_jieba()
    if not normalised:
        text = normalise_text(text)
    out = []
    append = out.append
    cache = _post_cache
    for tok in jieba.cut_for_search(text, HMM=False):
        t = cache.get(tok, _MISSING)
        if t is _MISSING:
            t = _post(tok)
            if len(cache) < 500_000:
                cache[tok] = t
        if t is not None:
            append(t)
    return out


def segment_weighted(text: str, normalised: bool = False) -> tuple[list[str], list[float]]:
    """The terms of :func:`segment` (same terms, same order) and the weight of each: 1.0 for
    a word of jieba's precise cut, :data:`SUBWORD_WEIGHT` for a search-mode piece of a longer
    word (沥青 inside 沥青混合料). The index counts an occurrence by this weight, so a
    document naming the query word itself outranks one where it is only part of another
    word, while the piece still matches (word boundaries: see :func:`query_words`)."""
    terms, weights, _ = segment_weighted_prefix(text, 0, normalised)
    return terms, weights


def segment_weighted_prefix(text: str, chars: int,
                            normalised: bool = False) -> tuple[list[str], list[float], int]:
    """:func:`segment_weighted` of ``text``, and how many of its terms (the first ones) come
    from the words that start in its first ``chars`` characters: what the text's opening
    says, without segmenting the text twice (jieba's cut keeps every character, so a word's
    offset is the length of the words before it)."""
    if not text:
        return [], [], 0
    jieba = ensure_jieba()
    if not normalised:
        text = normalise_text(text)
    terms: list[str] = []
    weights: list[float] = []
    cache = _post_cache
    freq = jieba.dt.FREQ
    offset, in_prefix = 0, 0

    def add(tok: str, weight: float) -> None:
        t = cache.get(tok, _MISSING)
        if t is _MISSING:
            t = _post(tok)
            if len(cache) < 500_000:
                cache[tok] = t
        if t is not None:
            terms.append(t)
            weights.append(weight)

    # jieba's cut_for_search, with each term marked whole word or piece
    for word in jieba.cut(text, HMM=False):
        n = len(word)
        starts_in_prefix = offset < chars
        offset += n
        if n > 2:
            for i in range(n - 1):
                if freq.get(word[i:i + 2]):
                    add(word[i:i + 2], SUBWORD_WEIGHT)
        if n > 3:
            for i in range(n - 2):
                if freq.get(word[i:i + 3]):
                    add(word[i:i + 3], SUBWORD_WEIGHT)
        add(word, 1.0)
        if starts_in_prefix:
            in_prefix = len(terms)
    return terms, weights, in_prefix


def query_words(text: str, normalised: bool = False) -> list[tuple[str, list[str]]]:
    """The words of a query in precise mode, each with its search-mode sub-words
    (``无人机`` -> ``("无人机", ["无人", "人机"])``), duplicates removed.

    A query word matches a document that holds it as a term (the documents are cut in
    search mode, so ``沥青`` is a term of ``沥青混合料``), or all of its sub-words (the
    document's text was cut elsewhere, ``高温合金材料`` for ``合金材料``); one sub-word
    alone is not enough (``人机`` of ``人机协作`` is not ``无人机``)."""
    if not text:
        return []
    jieba = ensure_jieba()
    if not normalised:
        text = normalise_text(text)
    out, seen = [], set()
    for tok in jieba.cut(text, HMM=False):
        word = _post(tok)
        if word is None or word in seen:
            continue
        seen.add(word)
        out.append((word, [t for t in dict.fromkeys(segment(word, normalised=True)) if t != word]))
    return out


# Words that say nothing about the technology in a demand text
DEMAND_STOPWORDS = frozenset(
    """
    技术 研发 开发 研究 项目 问题 需求 企业 公司 我公司 本公司 产品 国内 国外 国际 行业 领域 合作 经验
    社会 市场 要求 目标 内容 方面 水平 能力 工作 单位 人员 团队 方式 情况 目前 现有 需要 解决 实现 提高
    提升 相关 主要 关键 核心 重点 成果 推广 方案 服务 发展 生产 过程 条件 基础 作用 效果 影响 标准
    规模 时间 阶段 周期 成本 价格 效益 经济效益 社会效益 质量 性能 指标 参数 年 月 日 国家 省 市 地区
    我国 全国 世界 人才 资金 投资 政策 体系 平台 模式 机制 管理 理论 方向 环节 部分 因素 特点 优势
    计划 成立 预算 验证 存在 结合 满足 客户 大量 产生 理想 过于 假设 证明 数量 实验 学者 科研 购买
    添加 更换 频率 设计 图纸 希望 寻求 寻找 采用 利用 使用 达到 完成 形成 建立 开展 具备 引进 合作方
    改善 改进 改良 优化 缩短 降低 下降 减少 减小 增加 增大 增强 加快 延长 保证 确保 效率 环境 方法
    系统 装置 设备 工艺 应用 功能 结构 用途 步骤 制备 制备方法 技术领域 技术方案 技术问题 有益效果
    现有技术 实施例 特征 其特征 所述 本发明 一种 背景 实际 研制 攻关 突破 难题 难点 瓶颈 痛点 现状
    预期 效率高 稳定性 可靠性 安全性 高效 先进 新型 传统 现阶段 期间 范围 范围内 区域 区域内 能耗
    产业化 工业化 商业化 示范 应用领域 国产化 进口 出口 销售 营销 运营 运行 维护 专利 论文 知识产权
    """.split()
)
clean_token = _post  # public name: one jieba token filtered and normalised like the index's

_MISSING = object()
_post_cache: dict[str, str | None] = {}


# --------------------------------------------------------------------------
# Whoosh glue
# --------------------------------------------------------------------------
class PreTokenized(str):
    """A field value whose terms were already computed (e.g. in a worker
    process).  The tokenizer yields ``.tokens`` (with ``.weights``, one per term, as
    :func:`segment_weighted` gives them; None = all 1.0) instead of re-segmenting."""

    __slots__ = ("tokens", "weights")

    def __new__(cls, text: str, tokens, weights=None):
        obj = str.__new__(cls, text)
        obj.tokens = tokens
        obj.weights = weights
        return obj


class ChineseTokenizer(Tokenizer):
    """Whoosh tokenizer running :func:`segment`. Stateless and picklable
    (the schema, and so this object, is pickled into the index TOC)."""

    def __eq__(self, other):
        return other.__class__ is self.__class__

    def __hash__(self):
        return hash(self.__class__.__name__)

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        mode="",
        **kwargs,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if chars:
            yield from self._with_chars(t, value, positions, keeporiginal, start_pos, start_char)
            return
        if isinstance(value, PreTokenized):
            tokens, weights = value.tokens, value.weights or (1.0,) * len(value.tokens)
        else:
            tokens, weights = segment_weighted(value)
        pos = start_pos
        for text, weight in zip(tokens, weights, strict=True):
            t.text = text
            t.boost = weight  # the index's term weight sums these (Whoosh Frequency format)
            t.stopped = False
            if keeporiginal:
                t.original = text
            if positions:
                t.pos = pos
                pos += 1
            yield t

    def _with_chars(self, t, value, positions, keeporiginal, start_pos, start_char):
        jieba = ensure_jieba()
        norm = normalise_text(str(value))
        pos = start_pos
        for word, s, e in jieba.tokenize(norm, mode="search", HMM=False):
            text = _post(word)
            if text is None:
                continue
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = word
            if positions:
                t.pos = pos
                pos += 1
            t.startchar = start_char + s
            t.endchar = start_char + e
            yield t


def chinese_analyzer() -> ChineseTokenizer:
    return ChineseTokenizer()


# --------------------------------------------------------------------------
# identifiers: patent numbers and IPC symbols
# --------------------------------------------------------------------------
_ID_STRIP = re.compile(r"[\s\-_/:：]+")
_APP_RE = re.compile(r"^(\d{12}|\d{8})\.?([\dX])?$")
_PUB_RE = re.compile(r"^(CN|[A-Z]{2})?(\d{6,11})([A-Z]\d?)?$")
IPC_RE = re.compile(r"^([A-H])([0-9O]{2})([A-Z])(?:(\d{1,4})(?:/(\d{1,6}))?)?$")
IPC_SEARCH_RE = re.compile(
    r"(?<![A-Za-z0-9])([A-Ha-h])([0-9Oo]{2})([A-Za-z])(?:\s*(\d{1,4})(?:\s*/\s*(\d{1,6}))?)?(?![A-Za-z0-9])"
)


def _id_norm(s: str) -> str:
    return _ID_STRIP.sub("", normalise_text(s or "")).upper()


def number_keys(value: str) -> set[str]:
    """Lookup keys of a patent identifier as stored on a document.

    ``A<digits>`` application number without check character,
    ``P<digits>`` / ``P<CC><digits>`` publication number without kind code,
    ``X<normalised>`` the whole identifier."""
    s = _id_norm(value)
    if not s:
        return set()
    keys = {"X" + s.replace(".", "")}
    core = s
    for prefix in ("ZL", "CN"):
        if core.startswith(prefix) and len(core) > len(prefix) and core[len(prefix)].isdigit():
            core = core[len(prefix):]
            break
    m = _APP_RE.match(core)
    if m:
        keys.add("A" + m.group(1))
    m = _PUB_RE.match(s.replace(".", ""))
    if m and not _APP_RE.match(core):
        cc = m.group(1) or "CN"
        keys.add("P" + ("" if cc == "CN" else cc) + m.group(2))
    return keys


def query_number_keys(query: str) -> list[str]:
    """Candidate lookup keys for a typed identifier, most specific first.
    Empty if the query does not look like a patent number at all."""
    s = _id_norm(query)
    if not s or not re.match(r"^(ZL|CN|[A-Z]{2})?\d[\d.]{5,}[A-Z0-9]{0,2}$", s):
        return []
    keys = ["X" + s.replace(".", "")]
    core = s
    for prefix in ("ZL", "CN"):
        if core.startswith(prefix):
            core = core[len(prefix):]
            break
    digits = core.replace(".", "")
    if "." in core:
        head = core.split(".", 1)[0]
        if len(head) in (8, 12) and head.isdigit():
            keys.append("A" + head)
    elif re.match(r"^\d{12}[\dX]?$", digits):
        keys.append("A" + digits[:12])
    elif re.match(r"^\d{8}[\dX]?$", digits):
        keys.append("A" + digits[:8])
    m = _PUB_RE.match(s.replace(".", ""))
    if m:
        cc = m.group(1) or "CN"
        if cc == "ZL":
            cc = "CN"
        keys.append("P" + ("" if cc == "CN" else cc) + m.group(2))
    out = []
    for k in keys:
        if k not in out:
            out.append(k)
    return out


def normalise_ipc(code: str) -> str | None:
    """'G06F 17/30' -> 'G06F17/30', 'ｇ０６ｆ' -> 'G06F', 'GO6F' -> 'G06F'. None if not IPC."""
    s = re.sub(r"\s+", "", normalise_text(code or "")).upper()
    m = IPC_RE.match(s)
    if not m:
        return None
    sec, cls, sub, grp, sg = m.groups()
    out = sec + cls.replace("O", "0") + sub
    if grp:
        out += grp
        if sg:
            out += "/" + sg
    return out


def ipc_keys(code: str) -> set[str]:
    """Index terms for one IPC symbol: the full symbol and its subclass."""
    n = normalise_ipc(code)
    if not n:
        return set()
    return {n, n[:4]}
