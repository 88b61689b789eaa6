"""Public endpoints need no login and show only public data; key management is the
organisation's own; externally signed statements through the API."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client
from django.utils import timezone

from conftest import make_user
from safecity.core.choices import Role
from safecity.ledger import merkle
from safecity.ledger.models import LogEntry, SigningKey
from safecity.ledger.notes import public_bytes
from safecity.ledger.services import Statement, ledger_append
from safecity.ledger.services.keys import key_id_for
from safecity.ledger.services.registry import _kind_owners, register_kind_owner
from safecity.ledger.services.statements import format_time
from safecity.ledger.tests.conftest import make

pytestmark = pytest.mark.django_db


def test_public_endpoints_need_no_login(client: Client, city: Any, signer: Any) -> None:
    ledger_append(actor=None, statements=make(signer, 5))
    entry = client.get("/api/ledger/entries/3/").json()
    assert entry["index"] == 3 and entry["subject"] == "S1" and entry["organisation"] == signer.name
    cp = client.get("/api/ledger/checkpoints/latest/").json()
    assert cp["tree_size"] == 5
    proof = client.get("/api/ledger/proofs/inclusion/?index=3&tree_size=5").json()
    merkle.verify_inclusion(
        3, 5, base64.b64decode(entry["leaf_hash_b64"]), [base64.b64decode(h) for h in proof["hashes_b64"]],
        base64.b64decode(cp["root_hash_b64"]),
    )  # fmt: skip
    assert len(client.get("/api/ledger/proofs/consistency/?first=2&second=5").json()["hashes_b64"]) > 0
    assert client.get("/api/ledger/proofs/inclusion/?index=9&tree_size=5").status_code == 400
    assert client.get("/api/ledger/proofs/inclusion/?index=x&tree_size=5").json()["code"] == "invalid"
    text = client.get("/ledger/checkpoint")
    assert text["Content-Type"].startswith("text/plain") and text.content.decode() == cp["note"]
    keys = client.get("/api/ledger/keys/").json()
    assert keys["log"]["vkey"].startswith("changzhou.safecity.example/cylinders+")
    assert [k["organisation"] for k in keys["organisations"]] == [signer.name]
    # Nothing but public halves: no private key, encrypted or not, anywhere in the responses.
    body = json.dumps(keys) + json.dumps(entry)
    assert "private" not in body
    sealed = base64.b64encode(bytes(SigningKey.objects.get().private_key)).decode()
    assert sealed not in body
    for url in ("/ledger/", "/ledger/entries/3/", "/ledger/checkpoints/", "/ledger/keys/"):
        page = client.get(url)
        assert page.status_code == 200, url
    assert "ledger/verify.js" in client.get("/ledger/entries/3/").content.decode()
    assert client.get("/ledger/entries/99/").status_code == 404
    assert client.get("/api/ledger/entries/99/").status_code == 404
    assert client.get("/ledger/my-keys/").status_code == 302  # login required


def test_list_pages_and_api_lists_do_not_grow_queries(client: Client, city: Any, signer: Any, django_assert_max_num_queries: Any) -> None:  # fmt: skip
    for n in range(4):
        ledger_append(actor=None, statements=make(signer, 10, prefix=f"p{n}"))
    with django_assert_max_num_queries(6):
        assert client.get("/ledger/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get("/ledger/checkpoints/").status_code == 200
    with django_assert_max_num_queries(4):
        assert len(client.get("/api/ledger/entries/").json()["results"]) == 40
    with django_assert_max_num_queries(4):
        assert client.get("/api/ledger/checkpoints/").status_code == 200


def test_key_management_is_the_organisations_own(client: Client, city: Any, personas: Any) -> None:
    operator = make_user(city, "station.operator", city.enterprise_a, Role.FILLING_STATION_OPERATOR)
    for name, user in {**personas.all(), "operator": operator}.items():
        client.force_login(user)
        page = client.get("/ledger/my-keys/").content.decode()
        rotated = client.post(f"/ledger/my-keys/{city.enterprise_a.pk}/rotate/")
        if name == "operator":
            assert city.enterprise_a.name in page and rotated.status_code == 302
        else:
            # Enterprise managers, district officials, experts, outsiders do not manage the station's keys.
            assert city.enterprise_a.name not in page, name
            assert rotated.status_code == 403, name
        client.logout()
    assert SigningKey.objects.filter(organisation=city.enterprise_a).count() == 1
    # A city official manages the keys of the department they belong to, not of others.
    client.force_login(personas.city_official)
    assert client.post(f"/ledger/my-keys/{city.city_department.pk}/rotate/").status_code == 302
    assert client.post(f"/ledger/my-keys/{city.bureau_a.pk}/rotate/").status_code == 403
    assert SigningKey.objects.filter(organisation=city.city_department).count() == 1


def test_external_key_and_externally_signed_statements(client: Client, city: Any, personas: Any) -> None:
    operator = make_user(city, "station.operator", city.enterprise_a, Role.FILLING_STATION_OPERATOR)
    private = Ed25519PrivateKey.generate()  # held by the station, never sent
    pub_b64 = base64.b64encode(public_bytes(private)).decode()
    client.force_login(personas.enterprise_user)  # an enterprise manager of the same organisation: not a key manager
    assert client.post("/api/ledger/keys/", {"organisation": city.enterprise_a.pk, "public_key_b64": pub_b64}).status_code == 403
    client.force_login(personas.district_b)  # cannot even see the organisation
    assert client.post("/api/ledger/keys/", {"organisation": city.enterprise_a.pk, "public_key_b64": pub_b64}).status_code == 404
    client.force_login(operator)
    bad = client.post("/api/ledger/keys/", {"organisation": city.enterprise_a.pk, "public_key_b64": "AAAA"})
    assert bad.status_code == 400 and "public_key" in bad.json()["fields"]
    made = client.post("/api/ledger/keys/", {"organisation": city.enterprise_a.pk, "public_key_b64": pub_b64})
    assert made.status_code == 201 and made.json()["custodial"] is False
    key_id = key_id_for(public_bytes(private))
    statement = Statement(
        kind="test.event", subject="S9", body={"filled_kg": "14.5"}, organisation_id=city.enterprise_a.pk,
        key_id=key_id, signed_at=format_time(timezone.now()), idempotency_key="ext-1",
    )  # fmt: skip
    signed = {**statement.__dict__, "signature": base64.b64encode(private.sign(statement.signed_bytes())).decode()}
    ok = client.post("/api/ledger/statements/", {"statements": [signed]}, content_type="application/json")
    assert ok.status_code == 201 and ok.json() == {"indexes": [0]}
    again = client.post("/api/ledger/statements/", {"statements": [signed]}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "duplicate" and again.json()["existing_index"] == 0
    forged = {**signed, "idempotency_key": "ext-2"}
    refused = client.post("/api/ledger/statements/", {"statements": [forged]}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "bad_signature"
    assert LogEntry.objects.count() == 1
    client.force_login(personas.enterprise_user)
    assert client.post("/api/ledger/statements/", {"statements": [signed]}, content_type="application/json").status_code == 403
    client.logout()
    assert client.post("/api/ledger/statements/", {"statements": [signed]}, content_type="application/json").status_code == 401


def _external_station(client: Client, city: Any) -> tuple[Ed25519PrivateKey, str]:
    operator = make_user(city, "station.operator", city.enterprise_a, Role.FILLING_STATION_OPERATOR)
    private = Ed25519PrivateKey.generate()
    client.force_login(operator)
    pub_b64 = base64.b64encode(public_bytes(private)).decode()
    assert client.post("/api/ledger/keys/", {"organisation": city.enterprise_a.pk, "public_key_b64": pub_b64}).status_code == 201
    return private, key_id_for(public_bytes(private))


def _signed(private: Ed25519PrivateKey, **fields: Any) -> dict[str, Any]:
    statement = Statement(
        **{"kind": "test.event", "subject": "S9", "body": {}, "signed_at": format_time(timezone.now()), **fields}
    )
    return {**statement.__dict__, "signature": base64.b64encode(private.sign(statement.signed_bytes())).decode()}


def test_the_api_refuses_back_dated_and_historic_statements(client: Client, city: Any) -> None:
    """The log's clock decides: a station cannot claim a signing time before now - skew (e.g. a
    date before a cylinder was scrapped, or before its key was retired)."""
    private, key_id = _external_station(client, city)
    common = {"organisation_id": city.enterprise_a.pk, "key_id": key_id}
    past = format_time(timezone.now() - timedelta(hours=2))
    back = _signed(private, signed_at=past, idempotency_key="back", **common)
    refused = client.post("/api/ledger/statements/", {"statements": [back]}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "stale_signature"
    ahead = _signed(private, signed_at=format_time(timezone.now() + timedelta(minutes=10)), idempotency_key="ahead", **common)
    refused = client.post("/api/ledger/statements/", {"statements": [ahead]}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "stale_signature"
    # A few minutes off (a station's clock ahead) is inside the window; the key is active.
    near = _signed(private, signed_at=format_time(timezone.now() + timedelta(seconds=200)), idempotency_key="near", **common)
    assert client.post("/api/ledger/statements/", {"statements": [near]}, content_type="application/json").status_code == 201
    assert LogEntry.objects.count() == 1


def test_owned_kinds_are_refused_by_the_generic_api(client: Client, city: Any) -> None:
    """A cylinders.filling of a scrapped cylinder must go through the cylinders API, which checks
    the gate; the generic append would write it unchecked."""
    private, key_id = _external_station(client, city)
    saved = dict(_kind_owners)
    register_kind_owner(prefix="owned.", owner="cylinders")
    try:
        common = {"organisation_id": city.enterprise_a.pk, "key_id": key_id}
        free = _signed(private, idempotency_key="free", **common)
        owned = _signed(private, kind="owned.filling", idempotency_key="owned", **common)
        refused = client.post("/api/ledger/statements/", {"statements": [free, owned]}, content_type="application/json")
        assert refused.status_code == 400
        assert refused.json()["code"] == "kind_reserved" and refused.json()["position"] == 1
        assert "/api/cylinders/" in refused.json()["message"]
        assert LogEntry.objects.count() == 0
        assert client.post("/api/ledger/statements/", {"statements": [free]}, content_type="application/json").status_code == 201
    finally:
        _kind_owners.clear()
        _kind_owners.update(saved)


def test_the_verification_script_is_emitted_once_per_page(rf: Any) -> None:
    from django.template import engines

    page = engines["django"].from_string(
        '{% for i in indexes %}{% include "ledger/_verify_entry.html" with index=i %}{% endfor %}'
    )
    html = page.render({"indexes": [1, 2, 3]}, request=rf.get("/"))
    assert html.count("ledger/verify.js") == 1 and html.count("ledger/ledger.css") == 1
    assert html.count("data-ledger-verify=") == 3 and html.count('data-l-record="Signed record"') == 3
