"""Technical compounds (低温储能, 热管理) kept whole when key terms are picked from a demand.

jieba cuts 热管理 into 热 + 管理 and 低温储能 into 低温 + 储能; as separate key terms the
pieces are vague (管理) and the demand loses what it is about. Two sources say that two
adjacent nouns form one compound:

* the corpus: ``flask search compounds`` counts adjacent noun pairs in the patents' titles
  and abstracts and keeps those seen often and far more often than chance (pointwise
  mutual information), one per line in ``compounds.txt`` next to this module;
* the demand itself: a noun pair it repeats is what it is about.

A compound is matched in the index as all of its parts (positions are not stored).
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from .analysis import STOPWORDS, ensure_jieba, normalise_text

__all__ = ["COMPOUNDS_FILE", "NOUN_FLAGS", "mine_compounds", "load_compounds", "chunk"]

COMPOUNDS_FILE = Path(__file__).with_name("compounds.txt")
SEPARATOR = "+"  # between the two parts of a compound in the file
NOUN_FLAGS = ("n", "vn", "nz", "ng", "eng")  # jieba POS tags of nouns, verbal nouns, English
MAX_CHARS = 6
MIN_COUNT = 3
MIN_PMI = 3.0  # natural log: the pair is seen 20 times more often than its parts predict


# Boilerplate that never forms a compound: 储能系统 stays 储能 + 系统, 技术领域 is no compound.
# (管理 may: 热管理 is a field; as a key term alone it is dropped by the demand stop list.)
NOT_IN_COMPOUNDS = frozenset(
    """
    方法 系统 装置 设备 技术 研究 开发 问题 效率 环境 工艺 领域 方案 效果 过程 步骤 用途 结构 功能
    应用 实现 改善 提高 缩短 降低 范围 区域 时间 方式 情况 内容 目标 要求 需求 产品 项目 企业 公司
    实施例 现有技术 本发明 特征 单元 模块 组件 部件 机构 本体
    """.split()
)


def _is_noun(word: str, flag: str) -> bool:
    """A noun that can be part of a technical compound."""
    return flag in NOUN_FLAGS and word not in STOPWORDS and word not in NOT_IN_COMPOUNDS \
        and not word.isdigit()


def _tagged(text: str) -> list[tuple[str, str]]:
    ensure_jieba()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba.posseg as pseg
    return [(p.word, p.flag) for p in pseg.cut(normalise_text(text), HMM=False)]


def mine_compounds(texts: Iterable[str], min_count: int = MIN_COUNT,
                   min_pmi: float = MIN_PMI) -> list[tuple[str, str]]:
    """Adjacent noun pairs of ``texts`` seen at least ``min_count`` times and with a
    pointwise mutual information of at least ``min_pmi``, most frequent first."""
    words: Counter = Counter()
    pairs: Counter = Counter()
    total = 0
    for text in texts:
        tagged = _tagged(text)
        total += len(tagged)
        words.update(w for w, _ in tagged)
        for (a, fa), (b, fb) in zip(tagged, tagged[1:], strict=False):
            if _is_noun(a, fa) and _is_noun(b, fb) and len(a) + len(b) <= MAX_CHARS \
                    and not (a.isascii() or b.isascii()):
                pairs[a, b] += 1
    out = []
    for (a, b), n in pairs.items():
        if n >= min_count and math.log(n * total / (words[a] * words[b])) >= min_pmi:
            out.append((n, a, b))
    out.sort(key=lambda x: (-x[0], x[1], x[2]))
    return [(a, b) for _, a, b in out]


def write_compounds(pairs: list[tuple[str, str]], path: Path = COMPOUNDS_FILE) -> None:
    path.write_text("".join(f"{a}{SEPARATOR}{b}\n" for a, b in pairs), encoding="utf-8")
    load_compounds.cache_clear()


@lru_cache(maxsize=1)
def load_compounds(path: Path = COMPOUNDS_FILE) -> frozenset[tuple[str, str]]:
    if not path.exists():
        return frozenset()
    return frozenset(tuple(line.split(SEPARATOR, 1)) for line in
                     path.read_text(encoding="utf-8").splitlines() if SEPARATOR in line)


def chunk(text: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(word, POS flag, parts) of ``text`` in order, with adjacent nouns that form a
    compound merged into one word (flag ``"n"``, parts the pieces): first the corpus's
    compounds, then the pairs of two-character-or-longer nouns the text repeats."""
    items = [(word, flag, (word,)) for word, flag in _tagged(text)]
    items = _merge(items, load_compounds().__contains__)
    repeated = Counter(_pairs(items))
    return _merge(items, lambda pair: repeated[pair] >= 2 and min(map(len, pair)) >= 2)


def _pairs(items):
    for (a, fa, pa), (b, fb, pb) in zip(items, items[1:], strict=False):
        if len(pa) == 1 and len(pb) == 1 and _is_noun(a, fa) and _is_noun(b, fb) \
                and len(a) + len(b) <= MAX_CHARS:
            yield a, b


def _merge(items, is_compound):
    out = []
    i = 0
    while i < len(items):
        word, flag, parts = items[i]
        if i + 1 < len(items) and len(parts) == 1:
            nxt, nflag, nparts = items[i + 1]
            if len(nparts) == 1 and _is_noun(word, flag) and _is_noun(nxt, nflag) and \
                    len(word) + len(nxt) <= MAX_CHARS and is_compound((word, nxt)):
                out.append((word + nxt, "n", (word, nxt)))
                i += 2
                continue
        out.append(items[i])
        i += 1
    return out
