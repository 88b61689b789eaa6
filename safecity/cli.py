"""The ``safecity`` console command.

``safecity serve | worker | demo | seed-demo | figures`` and every Django management command
(``safecity migrate``, ``safecity createsuperuser``, ...). Every command runs inside an audit
context, so whatever it writes is recorded as coming from that command and OS user.
"""

from __future__ import annotations

import getpass
import os
import sys
from contextlib import AbstractContextManager
from typing import Any

ALIASES = {"seed-demo": "seed_demo"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecity.settings")
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1:
        args[1] = ALIASES.get(args[1], args[1])
    name = args[1] if len(args) > 1 else "help"

    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError, ProgrammingError

    try:
        with command_context(name):
            execute_from_command_line(args)
    except (OperationalError, ProgrammingError) as error:
        if not _no_tables(error):
            raise
        sys.stderr.write(
            f"The database has no SafeCity tables yet ({str(error).splitlines()[0]}).\n"
            "Load the demo city with `make demo` (or create the tables with `safecity migrate`), then try again.\n"
        )
        raise SystemExit(1) from None


def _no_tables(error: Exception) -> bool:
    """A missing table (SQLite: "no such table"; PostgreSQL: "relation ... does not exist")."""
    text = str(error)
    return "no such table" in text or ("relation" in text and "does not exist" in text)


def command_context(name: str) -> AbstractContextManager[Any]:
    """The audit context of a command: source "command", actor "command:<name> (<OS user>)"."""
    from safecity.core.audit import audit_context
    from safecity.core.choices import AuditSource

    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no passwd entry in some containers
        user = str(os.getuid())
    return audit_context(source=AuditSource.COMMAND, actor_label=f"command:{name} ({user})")


if __name__ == "__main__":
    main()
