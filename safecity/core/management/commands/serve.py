"""``safecity serve``: the production web server (gunicorn; static files through WhiteNoise)."""

from __future__ import annotations

import fcntl
import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def gunicorn_argv(bind: str, workers: int) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", "safecity.wsgi:application",
        "--bind", bind, "--workers", str(workers), "--threads", "4",
        "--timeout", "120", "--graceful-timeout", "20",
        "--access-logfile", "-", "--error-logfile", "-", "--forwarded-allow-ips", "127.0.0.1",
    ]  # fmt: skip


def ensure_static() -> None:
    """Collect static files (gunicorn serves them through WhiteNoise from STATIC_ROOT) when there
    are none yet or a source file is newer than the last collection: after an update the pages get
    the new scripts and styles, never stale ones; an unchanged start skips the slow compression."""
    if settings.DEBUG:
        return
    manifest = settings.STATIC_ROOT / "staticfiles.json"

    def fresh() -> bool:
        return manifest.exists() and _newest_static_source() <= manifest.stat().st_mtime

    if fresh():
        return
    # Two servers starting at once (the benchmarks start two) collect one after the other.
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    with (settings.STATIC_ROOT.parent / ".collectstatic.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not fresh():
            call_command("collectstatic", interactive=False, verbosity=0)


def _newest_static_source() -> float:
    from django.contrib.staticfiles.finders import get_finders

    newest = 0.0
    for finder in get_finders():
        for path, storage in finder.list([]):
            newest = max(newest, storage.get_modified_time(path).timestamp())
    return newest


class Command(BaseCommand):
    help = "Run the production web server (gunicorn)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_static()
        argv = gunicorn_argv(options["bind"], options["workers"])
        os.execv(argv[0], argv)  # noqa: S606 - replaces this process with gunicorn
