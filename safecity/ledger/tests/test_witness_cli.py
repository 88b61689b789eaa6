"""The witness runs on its own machine without the platform's settings (a Django-free module);
its messages, and the proof errors, reach the user translated."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from safecity.ledger import merkle
from safecity.ledger.models import Cosignature
from safecity.ledger.notes import parse_vkey, render_message
from safecity.ledger.services import ledger_append, witness_key_register
from safecity.ledger.tests.conftest import make
from safecity.ledger.witness_cli import HttpSource, WitnessRefusal, main, witness_keygen, witness_vkey

NAME = "samr.changzhou.example/w1"
ROOT = Path(__file__).resolve().parents[3]


def _bare_env() -> dict[str, str]:
    """The witness's machine: no platform settings, no secret, no DEBUG."""
    drop = {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG", "DATABASE_URL", "SAFECITY_SECRET_KEY"}
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("SAFECITY_")}
    env["PYTHONPATH"] = str(ROOT)
    return env


def _client_fetch(client: Client) -> Any:
    """A fetch function for HttpSource that calls the Django test client (no network)."""

    def fetch(method: str, url: str, body: bytes | None, headers: dict[str, str]) -> tuple[int, bytes]:
        parts = urlsplit(url)
        path = parts.path + ("?" + parts.query if parts.query else "")
        extra = {"HTTP_ACCEPT_LANGUAGE": headers["Accept-Language"]} if "Accept-Language" in headers else {}
        if method == "GET":
            response = client.get(path, **extra)
        else:
            response = client.post(path, data=body, content_type=headers.get("Content-Type", ""), **extra)
        return response.status_code, response.content

    return fetch


def test_the_module_imports_without_django() -> None:
    code = "import sys, safecity.ledger.witness_cli; print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))"  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], env=_bare_env(), capture_output=True, text=True, check=True, cwd=ROOT)  # noqa: S603 - our own interpreter
    assert out.stdout.strip() == "[]"


@pytest.mark.django_db(transaction=True)
def test_witness_cli_over_http_without_platform_settings(live_server: Any, city: Any, signer: Any, tmp_path: Path) -> None:  # fmt: skip
    key_file = tmp_path / "w.key"
    cli = [sys.executable, "-m", "safecity.ledger.witness_cli", "--key-file", str(key_file), "--name", NAME]
    made = subprocess.run([*cli, "--keygen"], env=_bare_env(), capture_output=True, text=True, cwd=ROOT, timeout=60)  # noqa: S603 - our own interpreter
    assert made.returncode == 0, made.stderr
    verifier = parse_vkey(made.stdout.strip())
    witness_key_register(actor=None, name=verifier.name, public_key=verifier.public_key)
    ledger_append(actor=None, statements=make(signer, 4))
    run = subprocess.run([*cli, "--url", live_server.url], env=_bare_env(), capture_output=True, text=True, cwd=ROOT, timeout=60)  # noqa: S603  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "Cosigned the checkpoint of 4 entries (consistent with 0)."
    assert Cosignature.objects.get().checkpoint.tree_size == 4
    again = subprocess.run([*cli, "--keygen"], env=_bare_env(), capture_output=True, text=True, cwd=ROOT, timeout=60)  # noqa: S603 - our own interpreter
    assert again.returncode == 1 and "exists: not overwriting a key" in again.stderr


@pytest.mark.django_db
def test_witness_cli_through_a_fetch_function(client: Client, city: Any, signer: Any, tmp_path: Path, capsys: Any) -> None:  # fmt: skip
    key_file = tmp_path / "w.key"
    private = witness_keygen(key_file)
    verifier = parse_vkey(witness_vkey(NAME, private))
    witness_key_register(actor=None, name=NAME, public_key=verifier.public_key)
    ledger_append(actor=None, statements=make(signer, 3))
    fetch = _client_fetch(client)
    argv = ["--url", "http://platform.example", "--key-file", str(key_file), "--name", NAME, "--lang", "en"]
    assert main(argv, fetch=fetch) == 0
    assert "Cosigned the checkpoint of 3 entries (consistent with 0)." in capsys.readouterr().out
    ledger_append(actor=None, statements=make(signer, 2, prefix="more"))
    assert main(argv, fetch=fetch) == 0
    assert "of 5 entries (consistent with 3)" in capsys.readouterr().out

    # A server that lies about the consistency proof: refused, the proof error named.
    def lying(method: str, url: str, body: bytes | None, headers: dict[str, str]) -> tuple[int, bytes]:
        status, content = fetch(method, url, body, headers)
        if "/proofs/consistency/" in url:
            content = content.replace(b'"hashes_b64":["', b'"hashes_b64":["AAAA')
        return status, content

    ledger_append(actor=None, statements=make(signer, 2, prefix="third"))
    assert main(argv, fetch=lying) == 1
    err = capsys.readouterr().err
    assert "is not consistent with the one of 5 this witness cosigned" in err and "refusing to cosign" in err
    assert Cosignature.objects.count() == 2


def test_messages_are_translated_with_the_nested_proof_error() -> None:
    """Before the fix the proof errors were English f-strings inside the translated sentence."""
    catalogue = {
        "The checkpoint of %(new)d entries is not consistent with the one of %(old)d this witness cosigned (%(error)s): refusing to cosign.": "%(new)d 条的检查点与本见证方签署过的 %(old)d 条的检查点不一致（%(error)s）：拒绝签署。",
        "the consistency proof does not lead to the first root": "一致性证明推导不出第一个根哈希",
        "the consistency proof does not lead to the second root": "一致性证明推导不出第二个根哈希",
    }
    with pytest.raises(merkle.ProofError) as proof:
        merkle.verify_consistency(2, 3, [b"\0" * 32], merkle.EMPTY_ROOT, merkle.EMPTY_ROOT)
    refusal = WitnessRefusal(
        "The checkpoint of %(new)d entries is not consistent with the one of %(old)d this witness cosigned (%(error)s): refusing to cosign.",
        new=3, old=2, error=proof.value,
    )  # fmt: skip
    assert render_message(refusal, lambda m: catalogue.get(m, m)) == "3 条的检查点与本见证方签署过的 2 条的检查点不一致（一致性证明推导不出第二个根哈希）：拒绝签署。"  # fmt: skip
    assert str(refusal).endswith("(the consistency proof does not lead to the second root): refusing to cosign.")


@pytest.mark.django_db
def test_proof_errors_of_the_api_go_through_gettext(client: Client, city: Any, signer: Any, monkeypatch: Any) -> None:
    from safecity.ledger import i18n

    ledger_append(actor=None, statements=make(signer, 3))
    catalogue = {
        "index %(index)d is outside a tree of size %(size)d": "序号 %(index)d 不在大小为 %(size)d 的树内",
        "no consistency proof from %(first)d to %(second)d": "不存在从 %(first)d 到 %(second)d 的一致性证明",
    }
    monkeypatch.setattr(i18n, "gettext", lambda m: catalogue.get(m, m))
    assert client.get("/api/ledger/proofs/inclusion/?index=7&tree_size=3").json()["message"] == "序号 7 不在大小为 3 的树内"
    assert client.get("/api/ledger/proofs/consistency/?first=4&second=3").json()["message"] == "不存在从 4 到 3 的一致性证明"


def test_every_pure_message_is_collected_for_translation(tmp_path: Path) -> None:
    """makemessages (xgettext with Django's keywords) collects the messages of the Django-free
    modules, marked with their local gettext_noop."""
    import shutil

    if shutil.which("xgettext") is None:
        pytest.fail("xgettext (gettext) is required, as for makemessages")
    sources = [ROOT / "safecity/ledger" / name for name in ("merkle.py", "notes.py", "witness_cli.py")]
    pot = tmp_path / "out.pot"
    subprocess.run(  # noqa: S603 - our own interpreter
        [
            shutil.which("xgettext") or "xgettext",
            "--no-wrap",
            "--language=Python",
            "--keyword=gettext_noop",
            "--from-code=UTF-8",
            "-o",
            str(pot),
            *map(str, sources),
        ],
        check=True,
    )
    text = pot.read_text()
    for msgid in (
        "no consistency proof from %(first)d to %(second)d",
        "index %(index)d is outside a tree of size %(size)d",
        "the consistency proof does not lead to the first root",
        "the note has no signature by %(name)s",
        "The log went back from %(old)d to %(new)d entries: refusing to cosign.",
    ):
        assert f'msgid "{msgid}"' in text, msgid


def test_http_source_refuses_other_schemes() -> None:
    with pytest.raises(WitnessRefusal, match="must start with http"):
        HttpSource("file:///etc/passwd")
