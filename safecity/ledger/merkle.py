"""RFC 6962 / RFC 9162 Merkle tree hashing and proofs: the pure core of the ledger.

Indexes are 0-based (as in RFC 9162 and the C2SP specs, unlike pymerkle). A range ``(a, b)``
means the leaves ``a <= i < b``. Every subtree a proof needs is either a complete subtree (a
power-of-two width aligned on its width, stored once) or the right edge of a tree ``(a, size)``;
:func:`range_nodes` splits any such range into complete subtrees ``(level, index)`` so storage
can answer proofs by reading O(log n) stored hashes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()

Range = tuple[int, int]
Node = tuple[int, int]  # (level, index): the complete subtree over leaves [index << level, (index + 1) << level)


def gettext_noop(message: str) -> str:
    """Marks a message for translation (``makemessages`` collects it) without importing Django:
    the caller translates ``template`` and fills in ``params``."""
    return message


class ProofError(ValueError):
    """A proof that does not verify, or arguments that cannot have a proof. ``template`` is the
    English message (a translation msgid) and ``params`` its %-placeholders."""

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(template % params if params else template)


def leaf_hash(data: bytes) -> bytes:
    """SHA-256(0x00 || leaf) (RFC 9162 §2.1.1)."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right) (RFC 9162 §2.1.1)."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_from_hashes(hashes: Sequence[bytes]) -> bytes:
    """MTH of a list of leaf hashes, iteratively (no recursion limit, linear time)."""
    if not hashes:
        return EMPTY_ROOT
    level = list(hashes)
    while len(level) > 1:
        nxt = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            # RFC 6962 promotes the odd node unchanged: the right-edge subtree is smaller.
            nxt.append(level[-1])
        level = nxt
    return level[0]


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of the leaves' data (RFC 9162 §2.1.1)."""
    return root_from_hashes([leaf_hash(x) for x in leaves])


def range_nodes(a: int, b: int) -> list[Node]:
    """The complete subtrees that make up the range [a, b), largest first (left to right).

    For a complete subtree this is one node; for a right edge (a aligned on a power of two at
    least b - a) it is the binary decomposition of b - a.
    """
    nodes: list[Node] = []
    while a < b:
        level = (a & -a).bit_length() - 1 if a else (b - a).bit_length()
        while (1 << level) > b - a:
            level -= 1
        nodes.append((level, a >> level))
        a += 1 << level
    return nodes


def fold(hashes: Sequence[bytes]) -> bytes:
    """The MTH of a range from the hashes of its :func:`range_nodes` (folded right to left)."""
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """The ranges whose MTHs form PATH(index, D[size]) (RFC 9162 §2.1.3.1), leaf to root."""
    if not 0 <= index < size:
        raise ProofError(gettext_noop("index %(index)d is outside a tree of size %(size)d"), index=index, size=size)
    out: list[Range] = []
    lo, hi, m = 0, size, index
    while hi - lo > 1:
        k = _split(hi - lo)
        if m < k:
            out.append((lo + k, hi))
            hi = lo + k
        else:
            out.append((lo, lo + k))
            lo, m = lo + k, m - k
    out.reverse()
    return out


def consistency_ranges(first: int, second: int) -> list[Range]:
    """The ranges whose MTHs form PROOF(first, D[second]) (RFC 9162 §2.1.4.1)."""
    if not 0 <= first <= second:
        raise ProofError(gettext_noop("no consistency proof from %(first)d to %(second)d"), first=first, second=second)
    if first == 0 or first == second:
        return []
    out: list[Range] = []
    lo, hi, m, whole = 0, second, first, True
    while True:
        n = hi - lo
        if m == n:
            if not whole:
                out.append((lo, hi))
            break
        k = _split(n)
        if m <= k:
            out.append((lo + k, hi))
            hi = lo + k
        else:
            out.append((lo, lo + k))
            lo, m, whole = lo + k, m - k, False
    out.reverse()
    return out


NodeReader = Callable[[list[Node]], dict[Node, bytes]]


def proof_from_ranges(ranges: list[Range], read: NodeReader) -> list[bytes]:
    """Turn proof ranges into hashes, asking ``read`` once for every stored node needed."""
    per_range = [range_nodes(a, b) for a, b in ranges]
    wanted = sorted({node for nodes in per_range for node in nodes})
    got = read(wanted)
    return [fold([got[node] for node in nodes]) for nodes in per_range]


def memory_reader(hashes: Sequence[bytes]) -> NodeReader:
    """A node reader over an in-memory list of leaf hashes (tests, small trees)."""

    def read(nodes: list[Node]) -> dict[Node, bytes]:
        return {(lvl, i): root_from_hashes(hashes[i << lvl : (i + 1) << lvl]) for lvl, i in nodes}

    return read


def inclusion_proof(index: int, hashes: Sequence[bytes]) -> list[bytes]:
    """PATH(index, D[n]) over in-memory leaf hashes."""
    return proof_from_ranges(inclusion_ranges(index, len(hashes)), memory_reader(hashes))


def consistency_proof(first: int, hashes: Sequence[bytes]) -> list[bytes]:
    """PROOF(first, D[n]) over in-memory leaf hashes."""
    return proof_from_ranges(consistency_ranges(first, len(hashes)), memory_reader(hashes))


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root an inclusion proof leads to (RFC 9162 §2.1.3.2), or ProofError."""
    if not 0 <= index < size:
        raise ProofError(gettext_noop("index %(index)d is outside a tree of size %(size)d"), index=index, size=size)
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError(gettext_noop("the proof is too long"))
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(gettext_noop("the proof is too short"))
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root_hash: bytes) -> None:
    """Raise ProofError unless ``leaf`` (a leaf hash) sits at ``index`` in the tree ``root_hash``."""
    if root_from_inclusion(index, size, leaf, proof) != root_hash:
        raise ProofError(gettext_noop("the inclusion proof does not lead to the root hash"))


def verify_consistency(first: int, second: int, proof: Sequence[bytes], first_root: bytes, second_root: bytes) -> None:
    """Raise ProofError unless the tree ``second_root`` extends ``first_root`` (RFC 9162 §2.1.4.2)."""
    if not 0 <= first <= second:
        raise ProofError(gettext_noop("no consistency proof from %(first)d to %(second)d"), first=first, second=second)
    if first == second:
        if proof:
            raise ProofError(gettext_noop("a proof between equal sizes must be empty"))
        if first_root != second_root:
            raise ProofError(gettext_noop("the roots of two trees of the same size differ"))
        return
    if first == 0:
        if proof:
            raise ProofError(gettext_noop("a proof from the empty tree must be empty"))
        return
    if not proof:
        raise ProofError(gettext_noop("the consistency proof is empty"))
    path = list(proof)
    if first & (first - 1) == 0:
        # first is a power of two: its root is the first node of the path.
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError(gettext_noop("the consistency proof is too long"))
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(gettext_noop("the consistency proof is too short"))
    if fr != first_root:
        raise ProofError(gettext_noop("the consistency proof does not lead to the first root"))
    if sr != second_root:
        raise ProofError(gettext_noop("the consistency proof does not lead to the second root"))
