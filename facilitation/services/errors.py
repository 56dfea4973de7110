"""Errors a service raises; the web layer turns each into a clear message and status.

A message is written in English with ``%(name)s`` placeholders and its values kept apart, so
it is shown in the reader's language (see words.py); the extractor reads the first argument of
each of these errors as a message to translate.
"""

from ..translation import TranslatedError


class ServiceError(TranslatedError):
    """Base: ``message`` is plain words a participant or facilitator can act on, in the
    reader's language."""

    status = 400


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

    def __init__(self, text: str, retry_after: int, **params: object) -> None:
        super().__init__(text, **params)
        self.retry_after = retry_after
