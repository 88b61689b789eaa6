"""The Merkle core against the published RFC 6962 test vectors and a brute-force reference."""

from __future__ import annotations

import pytest

from safecity.ledger import merkle, tiles

h = bytes.fromhex
# Leaves and roots of the RFC 6962 test vectors (certificate-transparency / transparency-dev merkle testdata).
LEAVES = [h(x) for x in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]]
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
HASHES = [merkle.leaf_hash(x) for x in LEAVES]


def test_empty_tree_and_roots() -> None:
    assert merkle.root([]).hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    for n in range(1, 9):
        assert merkle.root(LEAVES[:n]).hex() == ROOTS[n - 1]


def test_inclusion_vectors() -> None:
    want = ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]  # fmt: skip
    proof = merkle.inclusion_proof(5, HASHES)
    assert [p.hex() for p in proof] == want
    merkle.verify_inclusion(5, 8, HASHES[5], proof, h(ROOTS[7]))
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(4, 8, HASHES[5], proof, h(ROOTS[7]))
    assert merkle.inclusion_proof(2, HASHES[:3]) == [h(ROOTS[1])]
    assert [p.hex()[:8] for p in merkle.inclusion_proof(0, HASHES)] == ["96a296d2", "5f083f0a", "6b47aaf2"]


def test_consistency_vectors() -> None:
    proof = merkle.consistency_proof(6, HASHES)
    assert [p.hex() for p in proof] == ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]  # fmt: skip
    merkle.verify_consistency(6, 8, proof, h(ROOTS[5]), h(ROOTS[7]))
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(6, 8, proof, h(ROOTS[4]), h(ROOTS[7]))
    proof = merkle.consistency_proof(2, HASHES[:5])
    assert [p.hex() for p in proof] == ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]  # fmt: skip
    merkle.verify_consistency(2, 5, proof, h(ROOTS[1]), h(ROOTS[4]))


def _ref_root(x: list[bytes]) -> bytes:
    if len(x) == 1:
        return x[0]
    k = 1 << ((len(x) - 1).bit_length() - 1)
    return merkle.node_hash(_ref_root(x[:k]), _ref_root(x[k:]))


def _ref_path(i: int, x: list[bytes]) -> list[bytes]:
    if len(x) == 1:
        return []
    k = 1 << ((len(x) - 1).bit_length() - 1)
    if i < k:
        return [*_ref_path(i, x[:k]), _ref_root(x[k:])]
    return [*_ref_path(i - k, x[k:]), _ref_root(x[:k])]


def _ref_sub(m: int, x: list[bytes], whole: bool) -> list[bytes]:
    if m == len(x):
        return [] if whole else [_ref_root(x)]
    k = 1 << ((len(x) - 1).bit_length() - 1)
    if m <= k:
        return [*_ref_sub(m, x[:k], whole), _ref_root(x[k:])]
    return [*_ref_sub(m - k, x[k:], False), _ref_root(x[:k])]


def test_against_brute_force_reference_all_sizes() -> None:
    """RFC 9162's recursive definitions, literally, for every size 1..70, every index and every
    older size; and a flipped bit in any proof is refused."""
    for n in range(1, 71):
        x = [merkle.leaf_hash(n.to_bytes(2, "big") + i.to_bytes(2, "big")) for i in range(n)]
        root = merkle.root_from_hashes(x)
        assert root == _ref_root(x)
        for i in range(n):
            proof = merkle.inclusion_proof(i, x)
            assert proof == _ref_path(i, x)
            merkle.verify_inclusion(i, n, x[i], proof, root)
            if proof:
                bad = [proof[0][:-1] + bytes([proof[0][-1] ^ 1]), *proof[1:]]
                with pytest.raises(merkle.ProofError):
                    merkle.verify_inclusion(i, n, x[i], bad, root)
            with pytest.raises(merkle.ProofError):
                merkle.verify_inclusion(i, n, x[i], [*proof, root], root)
        for m in range(1, n + 1):
            proof = merkle.consistency_proof(m, x)
            assert proof == _ref_sub(m, x, True)
            merkle.verify_consistency(m, n, proof, merkle.root_from_hashes(x[:m]), root)
            if m < n:
                with pytest.raises(merkle.ProofError):
                    merkle.verify_consistency(m, n, proof, merkle.leaf_hash(b"forged"), root)


def test_tiles_answer_like_the_tree() -> None:
    """Tiles built by appending in uneven batches give the same nodes as the in-memory tree."""
    x = [merkle.leaf_hash(i.to_bytes(3, "big")) for i in range(70_000)]
    store: dict[tiles.TileKey, bytes] = {}
    size = 0
    for batch in (1, 255, 1, 300, 65_000, 4_443):
        partial = {k: store[k] for k in tiles.partial_tiles(size) if k in store}
        store.update(tiles.extend(size, x[size : size + batch], partial))
        size += batch
        nodes = merkle.range_nodes(0, size)
        assert merkle.fold([tiles.node_hash_from(n, store) for n in nodes]) == merkle.root_from_hashes(x[:size])
    assert len(store[(2, 0)]) == 32  # 70,000 leaves: one complete subtree of 65,536
    read = lambda nodes: {n: tiles.node_hash_from(n, store) for n in nodes}  # noqa: E731
    for i in (0, 255, 256, 65_535, 65_536, 69_999):
        proof = merkle.proof_from_ranges(merkle.inclusion_ranges(i, size), read)
        merkle.verify_inclusion(i, size, x[i], proof, merkle.root_from_hashes(x))
