"""International Patent Classification (IPC) codes and the plan's industries.

Canonical form: subclass alone (``G06F``) or subclass, space, main group,
slash, subgroup (``G06F 17/30``). ``industry_for_ipc`` maps codes to the
Shenyang plan's priority industries through an explicit prefix table.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

__all__ = [
    "INDUSTRIES",
    "IPC_INDUSTRY_PREFIXES",
    "InvalidIPC",
    "industry_for_ipc",
    "parse_ipc",
    "parse_ipc_list",
]

INDUSTRIES = [
    "high_end_equipment",
    "new_materials",
    "biomedicine",
    "electronic_information",
    "modern_agriculture",
    "energy_environment",
    "other",
]

# Prefix of the compact code (no space, e.g. "H01L31/04") -> industry.
# The longest matching prefix wins, so a group-level entry refines its
# subclass or class (H01L31 solar cells -> energy, other H01L -> electronics).
# Choices follow the usual reading of the plan's industries; codes not listed
# fall to 'other'.
IPC_INDUSTRY_PREFIXES = {
    # High-end equipment: machine tools, metal working, robots, additive
    # manufacturing, machine elements, control systems, transport equipment.
    "B21": "high_end_equipment",  # mechanical metal-working without removing material
    "B22F": "high_end_equipment",  # powder metallurgy, additive manufacturing of metal
    "B23": "high_end_equipment",  # machine tools, welding
    "B24": "high_end_equipment",  # grinding, polishing
    "B25J": "high_end_equipment",  # manipulators, industrial robots
    "B33Y": "high_end_equipment",  # additive manufacturing
    "B61": "high_end_equipment",  # railways
    "B63": "high_end_equipment",  # ships
    "B64": "high_end_equipment",  # aircraft, space
    "F01D": "high_end_equipment",  # turbines
    "F02C": "high_end_equipment",  # gas-turbine plants
    "F16": "high_end_equipment",  # engineering elements (bearings, gears, seals)
    "G05B": "high_end_equipment",  # control systems (CNC, PLC)
    # New materials: alloys, ceramics, polymers, coatings, nanotechnology.
    "B82": "new_materials",  # nanotechnology
    "C01B32": "new_materials",  # carbon materials (graphene, nanotubes)
    "C03C": "new_materials",  # glass compositions
    "C04B": "new_materials",  # ceramics, cements
    "C08": "new_materials",  # macromolecular compounds, polymers
    "C09D": "new_materials",  # coatings
    "C09J": "new_materials",  # adhesives
    "C22C": "new_materials",  # alloys
    "C22F": "new_materials",  # changing the structure of alloys
    # Biomedicine: medicines, medical devices, biotechnology.
    "A61B": "biomedicine",  # diagnosis, surgery
    "A61F": "biomedicine",  # implants, prostheses
    "A61K": "biomedicine",  # preparations for medical purposes
    "A61L": "biomedicine",  # sterilisation, materials for medical use
    "A61M": "biomedicine",  # devices for introducing media into the body
    "A61N": "biomedicine",  # electro-, radiation therapy
    "A61P": "biomedicine",  # therapeutic activity
    "C07K": "biomedicine",  # peptides, proteins
    "C12N": "biomedicine",  # micro-organisms, genetic engineering
    "C12P": "biomedicine",  # fermentation processes
    "C12Q": "biomedicine",  # measuring processes involving enzymes or nucleic acids
    # Electronic information: computing, communication, semiconductors.
    "G06": "electronic_information",  # computing
    "G09G": "electronic_information",  # display control
    "G11": "electronic_information",  # information storage
    "H01L": "electronic_information",  # semiconductor devices
    "H01Q": "electronic_information",  # antennas
    "H03": "electronic_information",  # electronic circuitry
    "H04": "electronic_information",  # electric communication
    "H05K": "electronic_information",  # printed circuits, electronic assemblies
    "H10": "electronic_information",  # semiconductor devices (IPC 2023 onwards)
    # Modern agriculture.
    "A01": "modern_agriculture",  # agriculture, forestry, animal husbandry
    "A23K": "modern_agriculture",  # animal feed
    "C05": "modern_agriculture",  # fertilisers
    # Energy and environmental protection.
    "B01D": "energy_environment",  # separation, filtering, gas cleaning
    "B09": "energy_environment",  # disposal of solid waste, soil remediation
    "C02F": "energy_environment",  # water and sewage treatment
    "F03D": "energy_environment",  # wind motors
    "F23G": "energy_environment",  # incineration of waste
    "F24S": "energy_environment",  # solar heat collectors
    "H01L31": "energy_environment",  # photovoltaic cells (refines H01L)
    "H01M": "energy_environment",  # batteries, fuel cells
    "H02J": "energy_environment",  # power supply networks, energy storage
    "H02S": "energy_environment",  # photovoltaic power generation
}

_SUBCLASS_RE = re.compile(r"[A-H]\d{2}[A-Z]")
_GROUP_RE = re.compile(r"\d{1,4}/\d{2,6}")
_CODE_RE = re.compile(r"([A-H]\d{2}[A-Z])(?:(\d{1,4})/(\d{2,6}))?")
# IPC version annotations as printed by CNIPA, e.g. "(2006.01)" or "(2006.01)I".
_VERSION_RE = re.compile(r"\(\d{4}\.\d{2}\)[A-Z]?")
_SEPARATORS_RE = re.compile(r"[;,、]")


class InvalidIPC(ValueError):
    """An IPC code that cannot be parsed; ``value`` is the offending text."""

    def __init__(self, code: str, message, value: str = ""):
        super().__init__(code, message)
        self.code = code
        self.message = message
        self.value = value
        self.field = "ipc"

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def _fold(raw: str) -> str:
    if not isinstance(raw, str):
        raise TypeError("IPC codes must be str")
    text = unicodedata.normalize("NFKC", raw).upper()
    text = _VERSION_RE.sub(" ", text)
    return re.sub(r"\s*/\s*", "/", text)


def _invalid(value: str) -> InvalidIPC:
    return InvalidIPC(
        "invalid_ipc",
        _l("%(code)s is not a valid IPC code (example: G06F 17/30).", code=value),
        value,
    )


def _canonical(compact: str, original: str) -> str:
    match = _CODE_RE.fullmatch(compact)
    if not match:
        raise _invalid(original.strip())
    subclass, main, sub = match.groups()
    if main is None:
        return subclass
    return f"{subclass} {int(main)}/{sub}"


def parse_ipc(raw: str) -> str:
    """Return one IPC code in canonical form ('G06F 17/30' or 'G06F').

    Forgives case, full-width characters, spaces, leading zeros in the main
    group and a CNIPA version suffix like '(2006.01)'. Raises InvalidIPC with
    code 'required' (empty) or 'invalid_ipc' (naming the bad code).
    """
    text = _fold(raw)
    compact = "".join(text.split())
    if not compact:
        raise InvalidIPC("required", _l("Enter an IPC code, for example G06F 17/30."))
    return _canonical(compact, raw)


def parse_ipc_list(raw: str) -> list[str]:
    """Split a list of IPC codes and return them canonical, deduplicated, in order.

    Separators: ';', ',', '、', their full-width forms, and whitespace between
    codes (a space between subclass and group stays within one code). Empty
    input gives []. Raises InvalidIPC naming the first bad code.
    """
    result: list[str] = []
    for chunk in _SEPARATORS_RE.split(_fold(raw)):
        tokens = chunk.split()
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if (
                _SUBCLASS_RE.fullmatch(token)
                and i + 1 < len(tokens)
                and _GROUP_RE.fullmatch(tokens[i + 1])
            ):
                token += tokens[i + 1]
                i += 1
            i += 1
            code = _canonical(token, token)
            if code not in result:
                result.append(code)
    return result


def _industry_of(code: str) -> str | None:
    compact = code.replace(" ", "")
    best = None
    for prefix, industry in IPC_INDUSTRY_PREFIXES.items():
        if compact.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, industry)
    return best[1] if best else None


def industry_for_ipc(codes: Iterable[str] | str) -> str:
    """Return the plan industry code for a patent's IPC codes.

    ``codes`` is a list of codes or one string accepted by parse_ipc_list.
    The first code (in order) that the prefix table maps decides, the
    longest prefix winning; unparseable codes are skipped. Returns 'other'
    when nothing maps. Never raises for str input.
    """
    if isinstance(codes, str):
        try:
            codes = parse_ipc_list(codes)
        except InvalidIPC:
            codes = [c for c in _SEPARATORS_RE.split(codes) if c.strip()]
    for raw in codes:
        try:
            code = parse_ipc(raw)
        except InvalidIPC:
            continue
        industry = _industry_of(code)
        if industry:
            return industry
    return "other"
