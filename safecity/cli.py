"""The ``safecity`` console command.

``safecity serve | worker | demo | seed-demo | figures`` and every Django management command
(``safecity migrate``, ``safecity createsuperuser``, ...). Every command runs inside an audit
context, so whatever it writes is recorded as coming from that command and OS user.
"""

from __future__ import annotations

import getpass
import os
import sys

ALIASES = {"seed-demo": "seed_demo"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecity.settings")
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1:
        args[1] = ALIASES.get(args[1], args[1])
    name = args[1] if len(args) > 1 else "help"

    from django.core.management import execute_from_command_line

    from safecity.core.audit import audit_context
    from safecity.core.choices import AuditSource

    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no passwd entry in some containers
        user = str(os.getuid())
    with audit_context(source=AuditSource.COMMAND, actor_label=f"command:{name} ({user})"):
        execute_from_command_line(args)


if __name__ == "__main__":
    main()
