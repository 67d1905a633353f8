"""Helpers shared by views that handle forms."""
from .services.errors import ServiceError


def show_service_error(form, error: ServiceError) -> None:
    """Put a service's refusal next to the field it names, or in the form's error summary;
    either way ``form.errors`` is set, so the page answers 422."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)] if isinstance(field.errors, list) \
            else [str(error.message)]
    else:
        form.form_errors.append(str(error.message))
