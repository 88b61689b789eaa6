"""``safecity audit <verify|seal|prune>``: the audit trail's hash chain (ADR 0006)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone


class Command(BaseCommand):
    help = "The audit trail's hash chain: verify it against the ledger, seal new entries, prune old sealed segments."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Recompute the chain; name the first entry changed, deleted or inserted after sealing.")
        seal = sub.add_parser("seal", help="Chain the committed entries into segments and anchor them in the ledger.")
        seal.add_argument("--now", action="store_true", help="Seal up to this moment (no lag for open transactions).")
        prune = sub.add_parser("prune", help="Delete whole sealed segments older than the retention (oldest first).")
        prune.add_argument("--days", type=int, default=None, help="Keep this many days (default: SAFECITY_AUDIT_RETENTION_DAYS).")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "do_" + options["action"])(**options)

    def do_verify(self, **_: Any) -> None:
        from safecity.core.audit_verify import audit_verify

        report = audit_verify()
        self.stdout.write(
            f"{report.entries:,} sealed entries in {report.segments:,} segments ({report.pruned:,} pruned), "
            f"{report.pending:,} not sealed yet, in {report.seconds:.2f} s"
        )
        if report.overdue:
            self.stderr.write(
                self.style.WARNING(
                    f"WARNING {report.overdue:,} entries are older than the sealing job's schedule and not sealed yet: "
                    "is `safecity worker` running? Until they are sealed (`safecity audit seal`), a change to them "
                    "cannot be detected."
                )
            )
        for problem in report.problems:
            self.stderr.write(f"BAD {problem}")
        if not report.ok:
            raise CommandError(f"the audit trail does not verify: first problem: {report.problems[0]}")
        self.stdout.write(self.style.SUCCESS("OK: every sealed entry matches the chain and its anchors in the ledger"))

    def do_seal(self, now: bool, **_: Any) -> None:
        from safecity.core.audit_chain import audit_seal_all

        segments = audit_seal_all(cutoff=timezone.now() if now else None)
        for s in segments:
            self.stdout.write(f"segment {s.number}: {s.count:,} entries, anchored at log entry {s.ledger_index}")
        if not segments:
            self.stdout.write("nothing to seal")

    def do_prune(self, days: int | None, **_: Any) -> None:
        from safecity.core.audit_chain import audit_prune

        older_than = timezone.now() - timedelta(days=days) if days is not None else None
        if days is not None and days < 0:
            raise CommandError("--days must not be negative")
        result = audit_prune(older_than=older_than)
        if not result.segments:
            self.stdout.write("nothing to prune")
            return
        self.stdout.write(
            f"pruned segments {result.segments[0]}–{result.segments[-1]} ({result.entries:,} entries); the rest still verifies"
        )
