"""``safecity ledger <verify|checkpoint|witness|witness-keygen|witness-register|keys>``."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "The verifiable ledger: verify the log, show the checkpoint, run a witness, manage witness keys."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Recompute and check every entry, tile and checkpoint.")
        verify.add_argument("--every", type=int, default=100_000, help="Progress line every N entries.")
        sub.add_parser("checkpoint", help="Print the latest signed checkpoint and the log's verifier key.")
        witness = sub.add_parser("witness", help="Check consistency and cosign the latest checkpoint.")
        witness.add_argument("--name", required=True, help="The witness's key name, e.g. samr.changzhou.example/w1")
        witness.add_argument("--key-file", required=True, type=Path)
        witness.add_argument("--url", default="", help="The platform's base URL; without it, the log in this database.")
        witness.add_argument("--log-vkey", default="", help="The log's verifier key (else pinned on first use).")
        keygen = sub.add_parser("witness-keygen", help="Create a witness key file and print its verifier key.")
        keygen.add_argument("--name", required=True)
        keygen.add_argument("--key-file", required=True, type=Path)
        keygen.add_argument("--register", action="store_true", help="Also register it as a witness of this log.")
        keygen.add_argument("--organisation", default="", help="The witness organisation's name (with --register).")
        register = sub.add_parser("witness-register", help="Register a witness's cosignature verifier key.")
        register.add_argument("--vkey", required=True)
        register.add_argument("--organisation", default="")
        sub.add_parser("keys", help="List the organisations' public keys and the log's verifier key.")

    def handle(self, *args: Any, **options: Any) -> None:
        # The audit context (source "command", the command's name) comes from the safecity CLI.
        getattr(self, "do_" + options["action"].replace("-", "_"))(**options)

    def do_verify(self, every: int, **_: Any) -> None:
        from safecity.ledger.services import run_verifiers
        from safecity.ledger.services.verify import ledger_verify

        def progress(n: int, seconds: float) -> None:
            self.stdout.write(f"  {n:,} entries checked ({n / seconds:,.0f}/s)")

        report = ledger_verify(progress=progress, every=every)
        self.stdout.write(
            f"{report.entries:,} entries and {report.checkpoints:,} checkpoints in {report.seconds:.2f} s "
            f"({report.rate:,.0f} entries/s)"
        )
        for problem in report.problems:
            self.stderr.write(f"BAD {problem}")
        # The apps' cross-checks (their rows against the signed statements), even when the log
        # itself has a problem: each problem is printed.
        crossed = [f"{name}: {problem}" for name, problem in run_verifiers()]
        for problem in crossed:
            self.stderr.write(f"BAD {problem}")
        if not report.ok:
            raise CommandError(f"the log does not verify: first problem: {report.problems[0]}")
        if crossed:
            raise CommandError(f"{len(crossed)} cross-check problem(s): first: {crossed[0]}")
        self.stdout.write(self.style.SUCCESS("OK: every entry, tile and checkpoint verifies, and every cross-check passes"))

    def do_checkpoint(self, **_: Any) -> None:
        from safecity.ledger import selectors

        cp = selectors.checkpoint_latest()
        key = selectors.log_key_current()
        if cp is None or key is None:
            raise CommandError("the log has no checkpoint yet")
        self.stdout.write(cp.note, ending="")
        self.stdout.write(f"\nlog verifier key: {key.vkey}")

    def _organisation(self, name: str) -> Any:
        from safecity.core.models import Organisation

        if not name:
            return None
        org = Organisation.objects.filter(name=name).first()
        if org is None:
            raise CommandError(f"no organisation named {name}")
        return org

    def do_witness(self, name: str, key_file: Path, url: str, log_vkey: str, **_: Any) -> None:
        """The same code as ``python -m safecity.ledger.witness_cli`` (which a witness runs on its
        own machine without the platform's settings); without --url, the log in this database."""
        from django.utils.translation import get_language
        from django.utils.translation import gettext as tr

        from safecity.ledger.i18n import error_message
        from safecity.ledger.services.witness import HttpSource, InProcessSource, WitnessRefusal, witness_run

        try:
            source = HttpSource(url, language=get_language() or "") if url else InProcessSource()
            result = witness_run(name=name, key_file=key_file, source=source, log_vkey=log_vkey)
        except WitnessRefusal as exc:
            raise CommandError(error_message(exc)) from exc
        message = tr("Cosigned the checkpoint of %(size)d entries (consistent with %(previous)d).")
        self.stdout.write(self.style.SUCCESS(message % {"size": result.tree_size, "previous": result.previous_size}))

    def do_witness_keygen(self, name: str, key_file: Path, register: bool, organisation: str, **_: Any) -> None:
        from safecity.ledger.notes import public_bytes
        from safecity.ledger.services import witness_key_register
        from safecity.ledger.services.witness import witness_keygen, witness_vkey

        if key_file.exists():
            raise CommandError(f"{key_file} exists: not overwriting a key")
        private = witness_keygen(key_file)
        self.stdout.write(witness_vkey(name, private))
        if register:
            witness_key_register(
                actor=None, name=name, public_key=public_bytes(private), organisation=self._organisation(organisation)
            )
            self.stdout.write(self.style.SUCCESS(f"registered witness {name}"))

    def do_witness_register(self, vkey: str, organisation: str, **_: Any) -> None:
        from safecity.ledger.notes import ALG_COSIGNATURE_V1, NoteError, parse_vkey
        from safecity.ledger.services import witness_key_register

        try:
            verifier = parse_vkey(vkey)
        except NoteError as exc:
            raise CommandError(str(exc)) from exc
        if verifier.alg != ALG_COSIGNATURE_V1:
            raise CommandError("a witness key is a cosignature/v1 (0x04) verifier key")
        witness_key_register(
            actor=None, name=verifier.name, public_key=verifier.public_key, organisation=self._organisation(organisation)
        )
        self.stdout.write(self.style.SUCCESS(f"registered witness {verifier.name}"))

    def do_keys(self, **_: Any) -> None:
        from safecity.ledger import selectors

        key = selectors.log_key_current()
        self.stdout.write(f"log: {key.vkey if key else '(none yet)'}")
        for k in selectors.public_keys():
            until = f" retired {k.retired_at:%Y-%m-%d %H:%M}" if k.retired_at else ""
            self.stdout.write(f"{k.organisation.name}\t{k.key_id}\t{base64.b64encode(bytes(k.public_key)).decode()}{until}")
