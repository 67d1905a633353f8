"""The centre's pages, one module per page group, all on one blueprint (``blueprint.py``).

Importing a page module registers its routes, so the package imports them all.
"""
from . import (  # noqa: F401
    agencies,
    audit,
    exhibitions,
    indicators,
    legal_status,
    mail,
    moderation,
    monitor,
    pledges,
    price_guidance,
    verification,
    workbench,
)
from .blueprint import bp

__all__ = ["bp"]
