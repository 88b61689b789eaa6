"""What other apps tell the ledger: which statement kinds they own (the generic append API
refuses those), and the cross-checks ``safecity ledger verify`` runs after checking the log."""

from __future__ import annotations

from collections.abc import Callable, Iterator

KindOwners = dict[str, str]
Check = Callable[[], Iterator[str]]

_kind_owners: KindOwners = {}
_verifiers: dict[str, Check] = {}


def register_kind_owner(*, prefix: str, owner: str) -> None:
    """Statements whose kind starts with ``prefix`` are written only through ``owner``'s own
    services and API (which check the domain's rules before signing): the generic
    ``POST /api/ledger/statements/`` refuses them with ``kind_reserved``."""
    if not prefix:
        raise ValueError("an owned kind prefix must not be empty")
    _kind_owners[prefix] = owner


def kind_owner(kind: str) -> str | None:
    """The app that owns ``kind``, or None."""
    for prefix, owner in _kind_owners.items():
        if isinstance(kind, str) and kind.startswith(prefix):
            return owner
    return None


def register_verifier(name: str, check: Check) -> None:
    """A cross-check run by ``safecity ledger verify`` after the log itself verifies: ``check()``
    yields one text per problem (e.g. a row that differs from its signed statement). Registering
    the same name again replaces the check."""
    _verifiers[name] = check


def verifiers() -> dict[str, Check]:
    return dict(_verifiers)


def run_verifiers(*, limit: int = 1000) -> Iterator[tuple[str, str]]:
    """(check name, problem) for every registered check; a check that crashes is a problem too."""
    for name, check in sorted(_verifiers.items()):
        count = 0
        try:
            for problem in check():
                yield name, str(problem)
                count += 1
                if count >= limit:
                    yield name, f"more than {limit} problems: stopped"
                    break
        except Exception as exc:  # noqa: BLE001 - a crashed check must fail verify, not hide
            yield name, f"the check failed: {type(exc).__name__}: {exc}"
