"""Errors the domain raises; each carries a stable `code` that replies and the CLI translate."""

from __future__ import annotations


class ClaimsError(Exception):
    """Base class: a problem the caller can explain to a person."""

    code = "error"

    def __init__(self, message: str = "", **details: object) -> None:
        super().__init__(message or self.code)
        self.details = details


class InvalidInput(ClaimsError):
    """The request is malformed: empty text, bad rating, bad URL, bad id."""

    def __init__(self, code: str, message: str = "", **details: object) -> None:
        super().__init__(message or code, **details)
        self.code = code


class NotFound(ClaimsError):
    """The claim (or person) does not exist."""

    code = "not_found"


class PermissionDenied(ClaimsError):
    """The actor lacks the role the action needs."""

    code = "forbidden"


class Conflict(ClaimsError):
    """The action cannot apply to the claim in its current state (merged, same claim, ...)."""

    def __init__(self, code: str, message: str = "", **details: object) -> None:
        super().__init__(message or code, **details)
        self.code = code


class DatabaseUnavailable(ClaimsError):
    """The database cannot be reached or is locked; try again shortly."""

    code = "db_unavailable"
