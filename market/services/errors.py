"""Typed errors raised by services, shown to the user next to the field they name."""


class ServiceError(Exception):
    """A rule refused the operation. ``field`` names the form field to show it on."""

    def __init__(self, message, field: str | None = None, code: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.code = code


class FieldErrors(ServiceError):
    """Several fields refused at once (a listing's rules, proposed terms). ``errors`` lists
    them, each with ``field`` and ``message``; the first is also the error's own."""

    def __init__(self, errors, code: str | None = None):
        super().__init__(errors[0].message, field=errors[0].field, code=code)
        self.errors = errors


class PermissionDenied(ServiceError):
    """The acting user may not do this."""


class NotFound(ServiceError):
    """The object does not exist or is not visible to the acting user."""


class LoginThrottled(ServiceError):
    """Too many log-in attempts on one account; ``retry_at`` says when it may be tried again."""

    def __init__(self, message, retry_at):
        super().__init__(message, field="password", code="login_throttled")
        self.retry_at = retry_at
