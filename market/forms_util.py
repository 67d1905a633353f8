"""Helpers shared by views that handle forms."""
from flask import flash

from .services.errors import ServiceError


def show_service_error(form, error: ServiceError) -> None:
    """Put a service's refusal next to the field it names (or on top of the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)] if isinstance(field.errors, list) \
            else [str(error.message)]
    else:
        flash(str(error.message), "error")
