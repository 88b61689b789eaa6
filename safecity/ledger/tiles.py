"""Tile arithmetic (C2SP tlog-tiles layout, height 8), pure.

Tile ``(L, t)`` holds the hashes of tree level 8L, indexes 256t .. 256t+255, concatenated (32
bytes each); it may be partial (fewer than 256). A complete subtree ``(level, k)`` with
level = 8L + r is the root of 2^r consecutive hashes inside one tile of level L.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from safecity.ledger.merkle import Node, root_from_hashes

HEIGHT = 8
WIDTH = 1 << HEIGHT
HASH = 32

TileKey = tuple[int, int]


def split(content: bytes) -> list[bytes]:
    return [content[i : i + HASH] for i in range(0, len(content), HASH)]


def tile_of(node: Node) -> TileKey:
    level, k = node
    tile_level, r = divmod(level, HEIGHT)
    return tile_level, (k << r) >> HEIGHT


def tiles_for(nodes: Iterable[Node]) -> set[TileKey]:
    return {tile_of(node) for node in nodes}


def node_hash_from(node: Node, tiles: Mapping[TileKey, bytes]) -> bytes:
    level, k = node
    tile_level, r = divmod(level, HEIGHT)
    first = k << r
    content = tiles[(tile_level, first >> HEIGHT)]
    off = first & (WIDTH - 1)
    chunk = content[off * HASH : (off + (1 << r)) * HASH]
    if len(chunk) != (1 << r) * HASH:
        raise KeyError(node)
    return root_from_hashes(split(chunk)) if r else chunk


def partial_tiles(size: int) -> list[TileKey]:
    """The partial tile at each level of a tree of ``size`` leaves (where there is one)."""
    out = []
    level = 0
    while (count := size >> (HEIGHT * level)) > 0:
        if count % WIDTH:
            out.append((level, count >> HEIGHT))
        level += 1
    return out


def extend(size: int, leaf_hashes: Sequence[bytes], partial: Mapping[TileKey, bytes]) -> dict[TileKey, bytes]:
    """The new content of every tile that changes when ``leaf_hashes`` are appended to a tree of
    ``size`` leaves whose partial tiles are ``partial``."""
    changed: dict[TileKey, bytes] = {}
    new_nodes: Sequence[bytes] = leaf_hashes
    level = 0
    while new_nodes:
        pos = size >> (HEIGHT * level)
        completed: list[bytes] = []
        i = 0
        while i < len(new_nodes):
            t, off = divmod(pos, WIDTH)
            take = min(WIDTH - off, len(new_nodes) - i)
            existing = (changed.get((level, t)) or partial.get((level, t), b"")) if off else b""
            if len(existing) != off * HASH:
                raise ValueError(f"tile {level}/{t} holds {len(existing) // HASH} hashes, expected {off}")
            content = existing + b"".join(new_nodes[i : i + take])
            changed[(level, t)] = content
            if off + take == WIDTH:
                completed.append(root_from_hashes(split(content)))
            pos += take
            i += take
        new_nodes = completed
        level += 1
    return changed
