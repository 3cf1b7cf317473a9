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


class RuleErrors(RuleError):
    """Several inputs of one form break rules: `errors` maps each field to its message, in
    the form's order. It is a RuleError naming the first, so callers that show one still can."""

    def __init__(self, errors: dict[str, str]):
        field, message = next(iter(errors.items()))
        super().__init__(field, message)
        self.errors = dict(errors)


class Collect:
    """Runs a form's validators one after another and keeps every refusal, so that the form
    reports all of them at once: `value = check(fn, ...)` (None when refused), then
    `check.done()` raises RuleErrors if any was refused."""

    def __init__(self):
        self.errors: dict[str, str] = {}

    def __call__(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except RuleError as exc:
            for field, message in getattr(exc, "errors", {exc.field: exc.message}).items():
                self.errors.setdefault(field, message)
            return None

    def done(self) -> None:
        if self.errors:
            raise RuleErrors(self.errors)
