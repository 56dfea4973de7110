"""Errors a service raises; the web layer turns each into a clear message and status."""


class ServiceError(Exception):
    """Base: ``message`` is plain words a participant or facilitator can act on."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Invalid(ServiceError):
    """The input cannot be accepted as it is; nothing was stored."""

    status = 400


class Forbidden(ServiceError):
    """The person is not allowed to do this."""

    status = 403


class NotFound(ServiceError):
    """No such workshop (or thing in it) for this person."""

    status = 404


class Conflict(ServiceError):
    """The workshop is not in a state that allows this right now."""

    status = 409


class TooMany(ServiceError):
    """Too much, too fast: try again after ``retry_after`` seconds; nothing was stored."""

    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
