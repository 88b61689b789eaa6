"""Appending: indexes, proofs from the stored tiles, checkpoints, audit, and every refusal."""

from __future__ import annotations

import base64
import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from safecity.core.models import AuditEntry
from safecity.ledger import merkle, selectors
from safecity.ledger.models import Checkpoint, LogEntry, SigningKey
from safecity.ledger.notes import parse_checkpoint, parse_vkey, verify_note
from safecity.ledger.services import LedgerError, Statement, ledger_append, signing_key_rotate, statement_sign
from safecity.ledger.services.crypto import unseal
from safecity.ledger.services.statements import format_time
from safecity.ledger.tests.conftest import make

pytestmark = pytest.mark.django_db


def test_append_assigns_indexes_and_publishes_a_checkpoint(city: Any, signer: Any) -> None:
    assert ledger_append(actor=None, statements=make(signer, 3)) == [0, 1, 2]
    assert ledger_append(actor=None, statements=make(signer, 2, prefix="u")) == [3, 4]
    entry = LogEntry.objects.get(index=4)
    assert entry.statement().idempotency_key == "u-1"
    assert bytes(entry.leaf_hash) == merkle.leaf_hash(bytes(entry.leaf))
    cp = selectors.checkpoint_latest()
    assert cp is not None and cp.tree_size == 5
    key = selectors.log_key_current()
    assert key is not None
    body = parse_checkpoint(verify_note(cp.note, parse_vkey(key.vkey)).text)
    hashes = [bytes(h) for h in LogEntry.objects.order_by("index").values_list("leaf_hash", flat=True)]
    assert body.root == merkle.root_from_hashes(hashes) == bytes(cp.root_hash)
    assert body.origin == "changzhou.safecity.example/cylinders"
    assert Checkpoint.objects.count() == 2


def test_proofs_from_storage_match_the_tree(city: Any, signer: Any) -> None:
    sizes = [1, 2, 255, 1, 300]
    done = 0
    for n, size in enumerate(sizes):
        ledger_append(actor=None, statements=make(signer, size, prefix=f"b{n}"))
        done += size
    hashes = [bytes(h) for h in LogEntry.objects.order_by("index").values_list("leaf_hash", flat=True)]
    assert len(hashes) == done == 559
    for index in (0, 1, 255, 256, 257, 558):
        for size in (index + 1, 300, 559):
            if index < size:
                assert selectors.inclusion_proof(index=index, tree_size=size) == merkle.inclusion_proof(index, hashes[:size])
    for first in (1, 3, 256, 258, 559):
        assert selectors.consistency_proof(first=first, second=559) == merkle.consistency_proof(first, hashes)
    assert selectors.root_at(tree_size=300) == merkle.root_from_hashes(hashes[:300])
    with pytest.raises(merkle.ProofError):
        selectors.inclusion_proof(index=0, tree_size=560)


def test_one_audit_entry_per_batch(city: Any, signer: Any) -> None:
    ct = ContentType.objects.get_for_model(LogEntry)
    ledger_append(actor=city.superuser, statements=make(signer, 4))
    rows = list(AuditEntry.objects.filter(content_type=ct))
    assert len(rows) == 1
    assert rows[0].object_id == "0-3" and rows[0].after["count"] == 4 and rows[0].actor == city.superuser


def _nothing_appended(size: int) -> None:
    assert LogEntry.objects.count() == size
    assert selectors.tree_size() == size


def test_unknown_key_bad_signature_and_malformed_are_refused(city: Any, signer: Any) -> None:
    ledger_append(actor=None, statements=make(signer, 1))
    good = make(signer, 3, prefix="x")
    # A key that belongs to another organisation is unknown for this one.
    wrong_org = dataclasses.replace(good[1], organisation_id=city.enterprise_b.pk)
    with pytest.raises(LedgerError) as err:
        ledger_append(actor=None, statements=[good[0], wrong_org, good[2]])
    assert err.value.code == "unknown_key" and err.value.position == 1
    unknown = dataclasses.replace(good[0], key_id="0" * 32)
    with pytest.raises(LedgerError) as err:
        ledger_append(actor=None, statements=[unknown])
    assert err.value.code == "unknown_key"
    forged = dataclasses.replace(good[2], body={"n": 99})
    with pytest.raises(LedgerError) as err:
        ledger_append(actor=None, statements=[good[0], good[1], forged])
    assert err.value.code == "bad_signature" and err.value.position == 2
    with pytest.raises(LedgerError) as err:
        ledger_append(actor=None, statements=[dataclasses.replace(good[0], signature="not base64!")])
    assert err.value.code == "bad_signature"
    with pytest.raises(LedgerError) as err:
        ledger_append(actor=None, statements=[dataclasses.replace(good[0], body={"pressure": 2.2})])
    assert err.value.code == "malformed"
    nul = statement_sign(organisation=signer, kind="k", subject="a\x00b", body={}, idempotency_key="nul")
    with pytest.raises(LedgerError) as err:
        ledger_append(actor=None, statements=[nul])
    assert err.value.code == "nul_byte"
    future = statement_sign(organisation=signer, kind="k", subject="s", body={}, idempotency_key="f", signed_at=timezone.now() + timedelta(hours=1))  # fmt: skip
    with pytest.raises(LedgerError) as err:
        ledger_append(actor=None, statements=[future])
    assert err.value.code == "stale_signature"
    _nothing_appended(1)


def test_duplicates_are_refused_with_the_existing_index(city: Any, signer: Any) -> None:
    first = make(signer, 3)
    ledger_append(actor=None, statements=first)
    again = [*make(signer, 1, prefix="new"), first[2]]
    with pytest.raises(LedgerError) as err:
        ledger_append(actor=None, statements=again)
    assert err.value.code == "duplicate" and err.value.existing_index == 2 and err.value.position == 1
    twice = make(signer, 1, prefix="twice")
    with pytest.raises(LedgerError) as err:
        ledger_append(actor=None, statements=twice + twice)
    assert err.value.code == "duplicate" and err.value.existing_index is None and err.value.position == 1
    _nothing_appended(3)


def _sign_with(key: SigningKey, org: Any, at: Any, idem: str) -> Statement:
    private = unseal(bytes(key.private_key), key.key_id)
    s = Statement(
        kind="test.event", subject="S1", body={}, organisation_id=org.pk, key_id=key.key_id,
        signed_at=format_time(at), idempotency_key=idem,
    )  # fmt: skip
    return dataclasses.replace(s, signature=base64.b64encode(private.sign(s.signed_bytes())).decode())


def test_a_retired_key_cannot_write_by_back_dating(city: Any, signer: Any) -> None:
    old_key = SigningKey.objects.get(organisation=signer, retired_at__isnull=True)
    before = make(signer, 1, prefix="before")  # signed with the old key, not yet appended
    new_key = signing_key_rotate(actor=None, organisation=signer)
    assert new_key.key_id != old_key.key_id
    old_key.refresh_from_db()
    assert old_key.retired_at is not None
    # The retired key, claiming a signing time before its retirement: refused on every normal
    # append (before the fix the claimed time was trusted and this was accepted).
    with pytest.raises(LedgerError) as err:
        ledger_append(actor=None, statements=before)
    assert err.value.code == "key_not_active"
    back_dated = _sign_with(old_key, signer, old_key.retired_at - timedelta(seconds=30), "back")
    with pytest.raises(LedgerError) as err:
        ledger_append(actor=city.superuser, statements=[back_dated])
    assert err.value.code == "key_not_active"
    # Signing after the retirement: refused, historic or not.
    late = _sign_with(old_key, signer, timezone.now() + timedelta(seconds=2), "late")
    for historic in (False, True):
        with pytest.raises(LedgerError) as err:
            ledger_append(actor=None, statements=[late], historic=historic)
        assert err.value.code == "key_not_active"
    # New statements are signed with the new key and appended.
    after = make(signer, 1, prefix="after")
    assert after[0].key_id == new_key.key_id
    assert ledger_append(actor=None, statements=after) == [0]
    # The platform itself may append history signed inside the old key's validity.
    assert ledger_append(actor=None, statements=before, historic=True) == [1]
    _nothing_appended(2)


def test_signing_time_must_be_near_the_logs_clock(city: Any, signer: Any, settings: Any) -> None:
    from safecity.ledger.services import signing_key_ensure

    key = signing_key_ensure(actor=None, organisation=signer, active_from=timezone.now() - timedelta(days=1))
    settings.SAFECITY_LEDGER_MAX_SKEW_SECONDS = 60
    old = _sign_with(key, signer, timezone.now() - timedelta(seconds=90), "old")
    with pytest.raises(LedgerError) as err:
        ledger_append(actor=None, statements=[old])
    assert err.value.code == "stale_signature" and err.value.position == 0
    fresh = _sign_with(key, signer, timezone.now() - timedelta(seconds=30), "fresh")
    assert ledger_append(actor=None, statements=[fresh]) == [0]
    # Before the key existed: refused even on the historic path.
    before_key = _sign_with(key, signer, key.active_from - timedelta(days=1), "before-key")
    with pytest.raises(LedgerError) as err:
        ledger_append(actor=None, statements=[before_key], historic=True)
    assert err.value.code == "key_not_active"
    _nothing_appended(1)


def test_history_is_for_the_platform_only(city: Any, signer: Any) -> None:
    from safecity.ledger.services import signing_key_ensure

    with pytest.raises(LedgerError) as err:
        ledger_append(actor=city.superuser, statements=make(signer, 1), historic=True)
    assert err.value.code == "historic_not_allowed"
    start = timezone.now() - timedelta(days=400)
    with pytest.raises(LedgerError) as err:
        signing_key_ensure(actor=city.superuser, organisation=city.enterprise_b, active_from=start)
    assert err.value.code == "historic_not_allowed"
    # The platform: a key valid since a past date, history appended with historic=True.
    key = signing_key_ensure(actor=None, organisation=city.enterprise_b, active_from=start)
    assert key.active_from == start
    old = _sign_with(key, city.enterprise_b, start + timedelta(days=3), "history-1")
    with pytest.raises(LedgerError) as err:
        ledger_append(actor=None, statements=[old])
    assert err.value.code == "stale_signature"
    assert ledger_append(actor=None, statements=[old], historic=True) == [0]
    # An existing key is moved back, never forward.
    earlier = start - timedelta(days=10)
    assert signing_key_ensure(actor=None, organisation=city.enterprise_b, active_from=earlier).active_from == earlier
    assert signing_key_ensure(actor=None, organisation=city.enterprise_b, active_from=start).active_from == earlier


def test_register_public_key_for_history(city: Any) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from safecity.ledger.notes import public_bytes
    from safecity.ledger.services import signing_key_register_public

    pub = base64.b64encode(public_bytes(Ed25519PrivateKey.generate())).decode()
    start = timezone.now() - timedelta(days=30)
    with pytest.raises(LedgerError) as err:
        signing_key_register_public(actor=city.superuser, organisation=city.enterprise_b, public_key_b64=pub, active_from=start)  # fmt: skip
    assert err.value.code == "historic_not_allowed"
    key = signing_key_register_public(actor=None, organisation=city.enterprise_b, public_key_b64=pub, active_from=start)
    assert key.active_from == start and key.retired_at is None


def test_statement_sign_without_a_key_is_unknown_key(city: Any) -> None:
    with pytest.raises(LedgerError) as err:
        statement_sign(organisation=city.enterprise_b, kind="k", subject="s", body={}, idempotency_key="i")
    assert err.value.code == "unknown_key"


def test_selectors_of_the_contract(city: Any, signer: Any) -> None:
    ledger_append(actor=None, statements=make(signer, 2, subject="A") + make(signer, 1, prefix="b", subject="B"))
    assert [e.index for e in selectors.entries_for_subject(subject="A")] == [0, 1]
    found = selectors.entry_by_idempotency_key(key="b-0")
    assert found is not None and found.index == 2
    assert selectors.entry_by_idempotency_key(key="nope") is None


def test_statement_signer_signs_many_with_one_key(city: Any, signer: Any) -> None:
    from safecity.ledger.services import statement_signer

    sign = statement_signer(organisation=signer)
    statements = [sign(kind="test.bulk", subject="S", body={"i": i}, idempotency_key=f"bulk-{i}") for i in range(3)]
    assert ledger_append(actor=None, statements=statements) == [0, 1, 2]
    with pytest.raises(LedgerError) as err:
        statement_signer(organisation=city.enterprise_b)
    assert err.value.code == "unknown_key"


def test_statements_at_reads_the_signed_statements_in_one_query(city: Any, signer: Any, django_assert_num_queries: Any) -> None:  # fmt: skip
    signed = make(signer, 3)
    ledger_append(actor=None, statements=signed)
    with django_assert_num_queries(1):
        got = selectors.statements_at([0, 2, 9])
    assert set(got) == {0, 2}
    assert got[2] == signed[2] and got[2].body == {"n": 2, "note": "充装"}
    assert selectors.statements_at([]) == {}
