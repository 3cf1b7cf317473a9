"""The `fazhi` command: Django's management commands plus the platform's own
(init, demo, serve, org, user, framework, assessment, audit)."""

import os
import sys
from typing import NoReturn


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["fazhi", *sys.argv[1:]])


# Output of the commands that check and load files (framework, plan).


def print_warnings(command, warnings: list[str]) -> None:
    """A file's warnings, one a line on stdout, each marked 警告."""
    for w in warnings:
        command.stdout.write(f"警告 {w}")


def fail(command, errors: list[str]) -> NoReturn:
    """A file's errors, one a line on stderr; then exit with status 1."""
    for e in errors:
        command.stderr.write(e)
    raise SystemExit(1) from None


if __name__ == "__main__":
    main()
