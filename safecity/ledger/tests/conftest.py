"""Ledger fixtures: organisations with keys, and a helper that signs statements."""

from __future__ import annotations

from typing import Any

import pytest

from safecity.ledger.services import Statement, signing_key_ensure, statement_sign


@pytest.fixture
def signer(city: Any) -> Any:
    """The organisation whose custodial key signs the test statements."""
    signing_key_ensure(actor=None, organisation=city.enterprise_a)
    return city.enterprise_a


def make(org: Any, n: int, *, prefix: str = "t", kind: str = "test.event", subject: str = "S1") -> list[Statement]:
    return [
        statement_sign(
            organisation=org, kind=kind, subject=subject, body={"n": i, "note": "充装"}, idempotency_key=f"{prefix}-{i}"
        )
        for i in range(n)
    ]
