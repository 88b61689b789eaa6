"""A witness of the SafeCity ledger, runnable on the witness's own machine without the platform.

    python -m safecity.ledger.witness_cli --url https://platform.example --key-file w.key --name samr.example/w1
    python -m safecity.ledger.witness_cli --keygen --key-file w.key --name samr.example/w1

No Django and no platform settings: only :mod:`safecity.ledger.merkle`, :mod:`safecity.ledger.notes`
(hashing, C2SP signed notes and cosignatures, on ``cryptography``) and ``urllib``. The witness
keeps its Ed25519 key and a small state file next to it (``<key file>.state.json``): the log's
verifier key (pinned on first use, or given with ``--log-vkey``) and the last checkpoint it
cosigned. Each run fetches the latest checkpoint, checks the log's signature, checks a consistency
proof from the last cosigned checkpoint, and only then cosigns (C2SP tlog-cosignature v1) and
submits the cosignature. A rewound or forked log is refused and nothing is cosigned.
``safecity ledger witness`` (the platform's management command) runs the same code.

Messages are English; ``--lang zh_Hans`` (or a ``LANG`` starting with ``zh``) translates them with
the project's compiled catalogue when it is installed next to this module.
"""

from __future__ import annotations

import argparse
import base64
import gettext as stdlib_gettext
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from safecity.ledger import merkle
from safecity.ledger.notes import (
    ALG_COSIGNATURE_V1,
    Note,
    NoteError,
    cosign,
    gettext_noop,
    parse_checkpoint,
    parse_vkey,
    public_bytes,
    render_message,
    verify_note,
    vkey,
)


class WitnessRefusal(Exception):
    """The witness refuses to cosign (inconsistent log, bad signature, unknown log key).
    ``template`` is the English message (a translation msgid), ``params`` its placeholders."""

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(render_message(self))


class LogSource(Protocol):
    def latest_checkpoint(self) -> str: ...
    def log_vkey(self) -> str: ...
    def consistency(self, first: int, second: int) -> list[bytes]: ...
    def submit(self, note_text: str) -> None: ...


# fetch(method, url, body, headers) -> (HTTP status, response body)
Fetch = Callable[[str, str, bytes | None, dict[str, str]], tuple[int, bytes]]


def urllib_fetch(method: str, url: str, body: bytes | None, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310 - http(s) only
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - checked by HttpSource
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as exc:
        return int(exc.code), bytes(exc.read())


class HttpSource:
    """The log of a SafeCity platform at ``base_url``, through its public endpoints. ``fetch``
    does the HTTP (urllib by default; tests pass one that calls a test client)."""

    def __init__(self, base_url: str, *, fetch: Fetch | None = None, language: str = "") -> None:
        if urllib.parse.urlsplit(base_url).scheme not in ("http", "https"):
            raise WitnessRefusal(gettext_noop("The log's URL must start with http:// or https://."))
        self.base = base_url.rstrip("/")
        self.fetch = fetch or urllib_fetch
        self.headers = {"Accept-Language": language.replace("_", "-").lower()} if language else {}

    def _get(self, path: str) -> bytes:
        try:
            status, body = self.fetch("GET", self.base + path, None, dict(self.headers))
        except OSError as exc:
            raise WitnessRefusal(gettext_noop("The log cannot be reached (%(error)s)."), error=str(exc)) from exc
        if status != 200:
            raise WitnessRefusal(gettext_noop("The log answered HTTP %(status)d for %(path)s."), status=status, path=path)
        return body

    def latest_checkpoint(self) -> str:
        return self._get("/ledger/checkpoint").decode()

    def log_vkey(self) -> str:
        log = json.loads(self._get("/api/ledger/keys/")).get("log")
        if not log:
            raise WitnessRefusal(gettext_noop("The log has no key yet."))
        return str(log["vkey"])

    def consistency(self, first: int, second: int) -> list[bytes]:
        query = urllib.parse.urlencode({"first": first, "second": second})
        data = json.loads(self._get(f"/api/ledger/proofs/consistency/?{query}"))
        return [base64.b64decode(h) for h in data["hashes_b64"]]

    def submit(self, note_text: str) -> None:
        headers = {**self.headers, "Content-Type": "application/json", "Accept": "application/json"}
        try:
            status, body = self.fetch("POST", self.base + "/api/ledger/cosignatures/", json.dumps({"note": note_text}).encode(), headers)  # fmt: skip
        except OSError as exc:
            raise WitnessRefusal(gettext_noop("The log cannot be reached (%(error)s)."), error=str(exc)) from exc
        if status != 201:
            try:
                data = json.loads(body)
                reason = "; ".join(str(m) for ms in (data.get("fields") or {}).values() for m in (ms if isinstance(ms, list) else [ms]))  # fmt: skip
                reason = reason or str(data.get("message", ""))
            except (ValueError, AttributeError):
                reason = body.decode(errors="replace")[:500]
            raise WitnessRefusal(gettext_noop("The log refused the cosignature: %(reason)s"), reason=reason)


def witness_keygen(path: Path) -> Ed25519PrivateKey:
    """Create a witness key file (raw 32-byte seed, base64, mode 0600)."""
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.b64encode(raw).decode() + "\n")
    return private


def witness_load(path: Path) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(path.read_text().strip()))


def witness_vkey(name: str, private: Ed25519PrivateKey) -> str:
    return vkey(name, public_bytes(private), ALG_COSIGNATURE_V1)


@dataclass
class WitnessResult:
    tree_size: int
    previous_size: int
    note: str


def _state_path(key_file: Path) -> Path:
    return key_file.with_name(key_file.name + ".state.json")


def witness_run(*, name: str, key_file: Path, source: LogSource, log_vkey: str = "", now: int | None = None) -> WitnessResult:
    """Check the log's latest checkpoint against the last one this witness cosigned; cosign it."""
    private = witness_load(key_file)
    state_file = _state_path(key_file)
    state: dict[str, Any] = json.loads(state_file.read_text()) if state_file.exists() else {}
    pinned = log_vkey or state.get("log_vkey") or source.log_vkey()
    if state.get("log_vkey") and state["log_vkey"] != pinned:
        raise WitnessRefusal(gettext_noop("The log's key differs from the one this witness pinned."))
    try:
        note = verify_note(source.latest_checkpoint(), parse_vkey(pinned))
        body = parse_checkpoint(note.text)
    except NoteError as exc:
        raise WitnessRefusal(gettext_noop("The checkpoint's signature does not verify: %(error)s"), error=exc) from exc
    if state.get("origin") and state["origin"] != body.origin:
        raise WitnessRefusal(gettext_noop("The checkpoint is for another log (%(origin)s)."), origin=body.origin)
    old_size = int(state.get("tree_size", 0))
    old_root = base64.b64decode(state["root"]) if "root" in state else merkle.EMPTY_ROOT
    if body.size < old_size:
        raise WitnessRefusal(
            gettext_noop("The log went back from %(old)d to %(new)d entries: refusing to cosign."), old=old_size, new=body.size
        )
    if body.size == old_size and old_size and body.root != old_root:
        raise WitnessRefusal(gettext_noop("The log shows two different trees of size %(size)d (a fork): refusing to cosign."), size=old_size)  # fmt: skip
    if old_size and body.size > old_size:
        try:
            merkle.verify_consistency(old_size, body.size, source.consistency(old_size, body.size), old_root, body.root)
        except merkle.ProofError as exc:
            raise WitnessRefusal(
                gettext_noop(
                    "The checkpoint of %(new)d entries is not consistent with the one of %(old)d this witness cosigned (%(error)s): refusing to cosign."
                ),
                new=body.size,
                old=old_size,
                error=exc,
            ) from exc
    timestamp = int(time.time()) if now is None else now
    line = cosign(note.text, name, private, timestamp)
    cosigned = Note(text=note.text, signatures=(*note.signatures, line)).render()
    source.submit(cosigned)
    state.update(
        {"log_vkey": pinned, "origin": body.origin, "tree_size": body.size, "root": base64.b64encode(body.root).decode()}
    )
    state_file.write_text(json.dumps(state, indent=2))
    return WitnessResult(tree_size=body.size, previous_size=old_size, note=cosigned)


# --- the command line -------------------------------------------------------------------------


def _translator(language: str) -> Callable[[str], str]:
    """stdlib gettext over the project's compiled catalogue (no Django), or English."""
    if not language:
        env = os.environ.get("LANGUAGE") or os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
        language = "zh_Hans" if env.lower().startswith("zh") else ""
    if not language or language.lower().startswith("en"):
        return str
    localedir = Path(__file__).resolve().parent.parent / "locale"
    catalogue = stdlib_gettext.translation("django", localedir=localedir, languages=[language], fallback=True)
    return catalogue.gettext


def main(argv: Sequence[str] | None = None, *, fetch: Fetch | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m safecity.ledger.witness_cli",
        description="Witness a SafeCity ledger: check consistency with the last cosigned checkpoint, then cosign.",
    )
    parser.add_argument("--url", default="", help="The platform's base URL, e.g. https://safecity.example")
    parser.add_argument("--key-file", required=True, type=Path, help="The witness's private key file.")
    parser.add_argument("--name", required=True, help="The witness's key name, e.g. samr.changzhou.example/w1")
    parser.add_argument("--log-vkey", default="", help="The log's verifier key (else pinned on first use).")
    parser.add_argument("--keygen", action="store_true", help="Create the key file and print its verifier key.")
    parser.add_argument("--lang", default="", help="Message language, e.g. zh_Hans (default: from LANG).")
    args = parser.parse_args(argv)
    tr = _translator(args.lang)
    try:
        if args.keygen:
            if args.key_file.exists():
                raise WitnessRefusal(gettext_noop("%(path)s exists: not overwriting a key."), path=str(args.key_file))
            print(witness_vkey(args.name, witness_keygen(args.key_file)))
            return 0
        if not args.url:
            parser.error("--url is required (or --keygen)")
        source = HttpSource(args.url, fetch=fetch, language=args.lang)
        result = witness_run(name=args.name, key_file=args.key_file, source=source, log_vkey=args.log_vkey)
    except (WitnessRefusal, NoteError, OSError, ValueError) as exc:
        print(render_message(exc, tr), file=sys.stderr)
        return 1
    message = tr(gettext_noop("Cosigned the checkpoint of %(size)d entries (consistent with %(previous)d)."))
    print(message % {"size": result.tree_size, "previous": result.previous_size})
    return 0


if __name__ == "__main__":
    sys.exit(main())
