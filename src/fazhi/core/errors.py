"""Errors raised by domain rules; the shell maps them to 422 / 409 / 404."""


class RuleError(ValueError):
    """Input breaks a rule. `field` names the input, `message` is for the user (Chinese)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class FileRefused(Exception):
    """A data file (scoring table, plan template, deadline rules) cannot be loaded; `errors`
    are its PATH:LINE: message lines. Nothing of it was loaded."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


class ConflictError(Exception):
    """The change is based on a stale version, or the object is locked."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
