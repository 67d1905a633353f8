"""The centre's pages, one module per page group, all on one blueprint (``blueprint.py``).

Importing a page module registers its routes, so the package imports them all.
"""
from . import audit, indicators, mail, moderation, monitor, pledges, verification, workbench  # noqa: F401
from .blueprint import bp

__all__ = ["bp"]
