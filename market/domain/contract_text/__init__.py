"""The words of the contract: Chinese (authoritative) and an English reading copy, written
as templates over the data of :func:`market.services.contracts.contract_data`.

This is the text of a legal instrument, not user interface: it is not translated through
Babel, and a change of wording is a new ``CONTRACT_TEMPLATE`` edition (the edition is part
of the frozen data, so a contract signed under an older one can be told apart). Its clauses
follow the order of the model patent licence contract of CNIPA and the science ministry
(专利实施许可合同), with an assignment variant (专利权转让合同).
"""
from __future__ import annotations

from types import ModuleType

from . import en, zh
from .base import Section

__all__ = ["CONTRACT_TEMPLATE", "LANGUAGES", "PLATFORM_NAME_EN", "PLATFORM_NAME_ZH",
           "SCHEDULE_KIND_ZH", "Section", "clauses", "texts"]

CONTRACT_TEMPLATE = "syip-patent-contract-2026.3"  # .3: an application cites its application number
PLATFORM_NAME_ZH = "沈阳知识产权交易平台"
PLATFORM_NAME_EN = "Shenyang IP Market"
SCHEDULE_KIND_ZH = zh.SCHEDULE_KIND
LANGUAGES = {"zh": zh, "en": en}


def texts(lang: str) -> ModuleType:
    """The text module of ``lang`` ("zh" or "en"; anything else is a ValueError)."""
    try:
        return LANGUAGES[lang]
    except KeyError:
        raise ValueError(f"the contract is written in zh or en, not {lang!r}") from None


def clauses(data: dict, lang: str) -> list[Section]:
    """The contract's clauses in ``lang``, in the model contract's order."""
    return texts(lang).sections(data)
