"""A visitor, not logged in, verifies a ledger entry in the browser (WebCrypto SHA-256 and
Ed25519 in Chromium) against the latest signed checkpoint; a tampered proof shows ✘."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from safecity.ledger.services import ledger_append, signing_key_ensure, statement_sign

pytestmark = pytest.mark.browser


def _log(org: Any, n: int) -> None:
    signing_key_ensure(actor=None, organisation=org)
    statements = [
        statement_sign(
            organisation=org,
            kind="test.filling",
            subject=f"CZ{i:06d}",
            body={"filled_kg": "14.5", "说明": "充装前检查合格"},
            idempotency_key=f"b-{i}",
        )
        for i in range(n)
    ]
    ledger_append(actor=None, statements=statements)


def test_anonymous_visitor_sees_an_entry_verified_and_a_tampered_proof_refused(live_server: Any, city: Any, browser: Any) -> None:  # fmt: skip
    _log(city.enterprise_a, 11)
    page = browser.new_page(locale="en-GB")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/ledger/entries/6/")
    verdict = page.locator(".ledger-verdict[data-verified]")
    verdict.wait_for()
    assert verdict.get_attribute("data-verified") == "true", page.locator(".ledger-verify").inner_text()
    assert verdict.inner_text().startswith("✔")
    assert "Inclusion proof" in page.locator(".ledger-verify").inner_text()
    # What was verified is shown as signed: the statement inside the verified leaf.
    record = page.locator(".ledger-verify details.ledger-record")
    assert record.locator("summary").inner_text() == "Signed record"
    record.locator("summary").click()
    shown = json.loads(record.locator("pre").inner_text())
    assert shown == {"kind": "test.filling", "subject": "CZ000006", "signed_at": shown["signed_at"], "body": {"filled_kg": "14.5", "说明": "充装前检查合格"}}  # fmt: skip
    assert shown["signed_at"].endswith("Z")
    assert page.locator("script[src$='ledger/verify.js']").count() == 1

    # The library itself: the right root verifies, a wrong one does not; a forged checkpoint fails.
    api = f"{live_server.url}/api/ledger"
    result = page.evaluate(
        """async (api) => {
            const get = (u) => fetch(u).then((r) => r.json());
            const [entry, cp, keys] = await Promise.all([get(api + "/entries/6/"), get(api + "/checkpoints/latest/"), get(api + "/keys/")]);
            const proof = await get(api + "/proofs/inclusion/?index=6&tree_size=" + cp.tree_size);
            const args = {leafB64: entry.leaf_b64, index: 6, treeSize: cp.tree_size, proofB64: proof.hashes_b64, rootB64: cp.root_hash_b64};
            const wrongRoot = btoa(String.fromCharCode(...new Uint8Array(32)));
            const good = await window.SafeCityLedger.verifyCheckpoint(cp.note, keys.log.vkey);
            const forged = await window.SafeCityLedger.verifyCheckpoint(cp.note.replace("\\n11\\n", "\\n12\\n"), keys.log.vkey);
            return {
                right: await window.SafeCityLedger.verifyInclusion(args),
                wrongRoot: await window.SafeCityLedger.verifyInclusion({...args, rootB64: wrongRoot}),
                wrongIndex: await window.SafeCityLedger.verifyInclusion({...args, index: 5}),
                checkpoint: good, forged: forged.ok,
            };
        }""",
        api,
    )
    assert result["right"] is True and result["wrongRoot"] is False and result["wrongIndex"] is False
    assert result["checkpoint"]["ok"] is True and result["checkpoint"]["treeSize"] == 11
    assert result["forged"] is False

    # A server (or a man in the middle) serving a tampered proof: the page says ✘.
    def tamper(route: Any) -> None:
        response = route.fetch()
        data = response.json()
        first = bytearray(base64.b64decode(data["hashes_b64"][0]))
        first[0] ^= 1
        data["hashes_b64"][0] = base64.b64encode(bytes(first)).decode()
        route.fulfill(response=response, body=json.dumps(data))

    page.route("**/api/ledger/proofs/inclusion/**", tamper)
    page.goto(f"{live_server.url}/ledger/entries/6/")
    verdict = page.locator(".ledger-verdict[data-verified]")
    verdict.wait_for()
    assert verdict.get_attribute("data-verified") == "false"
    assert verdict.inner_text().startswith("✘")
    assert page.locator("details.ledger-record").count() == 0  # nothing shown as verified
    assert errors == []
