"""Benchmark: sustained append of signed statements into the PostgreSQL transparency log.

    python -m bench.ledger_append [--events 100000] [--batch 1000] [--tree 10000000] [--small]

1. Generates N statements up front, signed with the Ed25519 keys of six organisations.
2. Floor: SHA-256 of every leaf plus Ed25519 verification of every signature, alone (the work no
   verifying log can skip), over the same statements.
3. Append: ``ledger_append`` in batches, the normal (non-historic) path (each statement's key
   looked up, the signing time checked against the log's clock, key activity and signature
   checked, leaves hashed, entries written with COPY, tiles grown, head advanced, a checkpoint
   signed, one audit entry per batch), into a fresh log.
4. Verify: ``ledger_verify`` over the whole log (entries/s).
5. Inclusion proofs at 10,000,000 leaves: a tree whose tiles are bulk-loaded with COPY into a
   database of its own (synthetic leaf hashes: no entries, no signatures; built once and reused
   across runs), then the mean time of ``inclusion_proof`` for random indexes.

Ends with ``RESULT ledger_append eps=<events/s> ratio=<append time / floor time> proof_ms=<ms>``.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import random
import statistics
import time

from bench.common import setup_django

DB_URL = os.environ.get("BENCH_LEDGER_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safecity_bench_ledger")


def make_statements(n: int) -> list:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from safecity.core import services
    from safecity.core.demo.codes import credit_code
    from safecity.ledger.models import SigningKey
    from safecity.ledger.services import Statement, signing_key_ensure
    from safecity.ledger.services.crypto import unseal
    from safecity.ledger.services.statements import format_time

    call_command("flush", interactive=False, verbosity=0)  # a fresh log every run (TRUNCATE)
    rng = random.Random(7)
    admin = get_user_model().objects.create_superuser("bench-admin", password="bench-password-123")
    province = services.region_create(actor=admin, code="320000", name="江苏省", level="province")
    city = services.region_create(actor=admin, code="320400", name="常州市", level="city", parent=province)
    names = ["常州新北液化气充装站", "常州武进液化气充装站", "常州金坛液化气充装站", "常州溧阳液化气充装站", "常州市特种设备检验检测站", "常州市市场监督管理局"]  # fmt: skip
    signers = []
    for name in names:
        org = services.organisation_create(
            actor=admin, name=name, kind="enterprise", region=city, credit_code=credit_code(rng, region_code="320400")
        )
        key = signing_key_ensure(actor=None, organisation=org)
        signers.append((org.pk, key.key_id, unseal(bytes(SigningKey.objects.get(pk=key.pk).private_key), key.key_id)))
    # Freshly signed, as a station signs: the append checks each signing time against the log's
    # clock (SAFECITY_LEDGER_MAX_SKEW_SECONDS), so the statements carry the time of generation.
    signed_at = format_time(timezone.now())
    out = []
    for i in range(n):
        org_id, key_id, private = signers[i % len(signers)]
        s = Statement(
            kind="bench.filling",  # not cylinders.*: those rows would be missing for the cross-checks
            subject=f"CZ{i // 4:010d}",
            body={"station": org_id, "filled_kg": f"{14 + i % 3}.{i % 10}", "checks": ["valve", "seal", "weight"], "ok": True},
            organisation_id=org_id,
            key_id=key_id,
            signed_at=signed_at,
            idempotency_key=f"bench-{i}",
        )
        sig = base64.b64encode(private.sign(s.signed_bytes())).decode()
        out.append(Statement(**{**s.__dict__, "signature": sig}))
    return out


def floor(statements: list, batch: int) -> tuple[float, float]:
    """(one core, all cores): SHA-256 of every leaf plus Ed25519 verification of every signature,
    nothing else. The all-cores floor verifies with the very helper the append uses (OpenSSL
    releases the GIL), so the ratio compares like with like."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from safecity.ledger.models import SigningKey
    from safecity.ledger.services.append import verify_signatures

    keys = {k.key_id: Ed25519PublicKey.from_public_bytes(bytes(k.public_key)) for k in SigningKey.objects.all()}
    prepared = [(keys[s.key_id], base64.b64decode(s.signature), s.signed_bytes()) for s in statements]
    leaves = [s.leaf_bytes() for s in statements]
    sha256 = hashlib.sha256
    started = time.perf_counter()
    for (key, sig, signed), leaf in zip(prepared, leaves, strict=True):
        key.verify(sig, signed)
        sha256(b"\x00" + leaf).digest()
    one_core = time.perf_counter() - started
    started = time.perf_counter()
    for i in range(0, len(prepared), batch):
        assert verify_signatures(prepared[i : i + batch]) is None
        for leaf in leaves[i : i + batch]:
            sha256(b"\x00" + leaf).digest()
    return one_core, time.perf_counter() - started


def append(statements: list, batch: int) -> float:
    from django.db import transaction

    from safecity.ledger.services import ledger_append

    started = time.perf_counter()
    for i in range(0, len(statements), batch):
        with transaction.atomic():
            ledger_append(actor=None, statements=statements[i : i + batch])
    return time.perf_counter() - started


def proof_tree(size: int) -> tuple[str, bytes]:
    """A tree of ``size`` synthetic leaves in a database of its own, tiles loaded with COPY."""
    from django.core.management import call_command
    from django.db import connections

    from safecity.ledger import merkle, tiles
    from safecity.ledger.db import ledger_maintenance
    from safecity.ledger.models import LogHead

    alias = "proofs"
    base, _ = DB_URL.rsplit("/", 1)
    name = f"safecity_bench_ledger_tree_{size}"
    import psycopg

    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    connections.settings[alias] = {**connections.settings["default"], "NAME": name}
    call_command("migrate", database=alias, verbosity=0)
    head = LogHead.objects.using(alias).filter(pk=1).first()
    if head is not None and head.tree_size == size:
        print(f"proof tree present: {size:,} leaves (reused)")
        return alias, bytes(head.root_hash)
    started = time.perf_counter()
    with ledger_maintenance(alias), connections[alias].cursor() as cursor:
        cursor.execute("TRUNCATE ledger_tile, ledger_loghead")
    level_nodes: list[bytes] = []
    rows: list[tuple[int, int, bytes]] = []
    sha256 = hashlib.sha256
    chunk = 1 << 16
    with connections[alias].cursor() as cursor, cursor.copy("COPY ledger_tile (level, index, hashes) FROM STDIN") as copy:
        for start in range(0, size, chunk):
            leaves = [sha256(b"\x00" + i.to_bytes(8, "big")).digest() for i in range(start, min(size, start + chunk))]
            for t in range(0, len(leaves), tiles.WIDTH):
                part = leaves[t : t + tiles.WIDTH]
                copy.write_row((0, (start + t) >> 8, b"".join(part)))
                if len(part) == tiles.WIDTH:
                    level_nodes.append(merkle.root_from_hashes(part))
        level = 1
        while level_nodes:
            completed = []
            for t in range(0, len(level_nodes), tiles.WIDTH):
                part = level_nodes[t : t + tiles.WIDTH]
                copy.write_row((level, t >> 8, b"".join(part)))
                if len(part) == tiles.WIDTH:
                    completed.append(merkle.root_from_hashes(part))
            level_nodes = completed
            level += 1
    del rows
    from safecity.ledger import selectors

    LogHead.objects.using(alias).create(pk=1, tree_size=size, root_hash=merkle.EMPTY_ROOT)
    root = selectors.root_at(tree_size=size, using=alias)
    with ledger_maintenance(alias):
        LogHead.objects.using(alias).filter(pk=1).update(root_hash=root)
    print(f"proof tree built: {size:,} leaves in {time.perf_counter() - started:.1f} s (tiles by COPY, no signatures)")
    return alias, root


def proof_time(alias: str, size: int, root: bytes, rounds: int) -> float:
    from safecity.ledger import merkle, selectors

    rng = random.Random(1)
    indexes = [rng.randrange(size) for _ in range(rounds)] + [0, size - 1]
    for index in indexes[:5]:
        leaf = hashlib.sha256(b"\x00" + index.to_bytes(8, "big")).digest()
        merkle.verify_inclusion(index, size, leaf, selectors.inclusion_proof(index=index, tree_size=size, using=alias), root)
    times = []
    for index in indexes:
        started = time.perf_counter()
        selectors.inclusion_proof(index=index, tree_size=size, using=alias)
        times.append(time.perf_counter() - started)
    return statistics.mean(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--tree", type=int, default=10_000_000)
    parser.add_argument("--proofs", type=int, default=500)
    parser.add_argument("--small", action="store_true", help="10,000 events, a 1,000,000-leaf proof tree")
    args = parser.parse_args()
    if args.small:
        args.events, args.tree = 10_000, 1_000_000
    setup_django(DB_URL)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    statements = make_statements(args.events)
    print(f"{args.events:,} signed statements generated in {time.perf_counter() - t0:.1f} s")
    one_core, floor_s = floor(statements, args.batch)
    print(f"floor, one core (SHA-256 + Ed25519 verify only): {one_core:.2f} s = {args.events / one_core:,.0f} events/s")
    print(f"floor, {os.cpu_count()} cores (same work, the append's parallel verify): {floor_s:.2f} s = {args.events / floor_s:,.0f} events/s")  # fmt: skip
    append_s = append(statements, args.batch)
    eps = args.events / append_s
    print(
        f"append in batches of {args.batch:,}: {append_s:.2f} s = {eps:,.0f} events/s (ratio {append_s / floor_s:.2f} x the {os.cpu_count()}-core floor, {append_s / one_core:.2f} x the one-core floor)"
    )

    from safecity.ledger.services.verify import ledger_verify

    report = ledger_verify()
    if not report.ok:
        raise SystemExit(f"verify failed: {report.problems[:3]}")
    print(
        f"verify: {report.entries:,} entries, {report.checkpoints:,} checkpoints in {report.seconds:.2f} s = {report.rate:,.0f} entries/s"
    )

    from safecity.ledger import selectors

    started = time.perf_counter()
    for index in range(0, args.events, max(1, args.events // 200)):
        selectors.inclusion_proof(index=index, tree_size=args.events)
    print(f"inclusion proof at {args.events:,} leaves: {(time.perf_counter() - started) / 200 * 1000:.2f} ms")
    alias, root = proof_tree(args.tree)
    proof_ms = proof_time(alias, args.tree, root, args.proofs)
    print(f"inclusion proof at {args.tree:,} leaves: {proof_ms:.2f} ms (mean of {args.proofs + 2}, proofs verified)")
    print(f"RESULT ledger_append eps={eps:.0f} ratio={append_s / floor_s:.2f} proof_ms={proof_ms:.2f}")


if __name__ == "__main__":
    main()
