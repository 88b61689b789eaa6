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

    with command_context(name):
        execute_from_command_line(args)


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
