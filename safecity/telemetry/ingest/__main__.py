"""``python -m safecity.telemetry.ingest``: the ingest worker, the same as ``safecity telemetry ingest``
(for processes started without the console script, e.g. by the benchmark and the tests)."""

from __future__ import annotations

import argparse
import os


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecity.settings")
    import django

    django.setup()
    from safecity.cli import command_context
    from safecity.telemetry.cli import ingest

    parser = argparse.ArgumentParser(prog="python -m safecity.telemetry.ingest", description=ingest.HELP)
    ingest.add_arguments(parser)  # type: ignore[arg-type]
    options = vars(parser.parse_args(argv))
    with command_context("telemetry ingest"):
        ingest.handle(None, **options)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
