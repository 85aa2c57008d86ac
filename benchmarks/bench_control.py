"""Benchmark the control stage: 100,000 incidents read against a layer of ~300 polygons (issue 19 target:
< 5 s), on one core, with peak memory.

The layer: OCHA's 2015-11-29 "areas of influence" (288 real polygons) when ``../shared/data/control/`` is
beside the repo (evaluation data: read there, never copied), plus the shipped schematic zones; without
it, a 300-cell grid over Syria. The incidents: real Syrian places of the gazetteer (villages, towns,
neighbourhoods with a point), drawn at random with the precision mix of the demo ledger's incidents
(mostly exact points, some ~25 km and district areas) and dates in the layer's window.

Run: ``python benchmarks/bench_control.py [--n 100000]``.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harmledger.control import ControlReader, Layer, parse_layer  # noqa: E402
from harmledger.geo import gazetteer  # noqa: E402

OCHA = ROOT.parent / "shared" / "data" / "control" / "ocha_aoi_20151129.geojson"
SCHEMATIC = ROOT / "harmledger" / "packs" / "syria" / "control" / "turkish_backed_zones_schematic.geojson"


def grid_layer() -> bytes:
    feats = []
    for i in range(20):
        for j in range(15):
            x0, y0 = 35.6 + i * 0.3, 32.3 + j * 0.3
            ring = [[x0, y0], [x0 + 0.3, y0], [x0 + 0.3, y0 + 0.3], [x0, y0 + 0.3], [x0, y0]]
            feats.append({"type": "Feature", "properties": {"party": ["government", "opposition", "isis"][(i + j) % 3]},
                          "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return json.dumps({"type": "FeatureCollection", "features": feats}).encode()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    args = ap.parse_args()
    data = OCHA.read_bytes() if OCHA.exists() else grid_layer()
    areas = parse_layer(data, party_field="party", date="2015-11-29")
    sch = parse_layer(SCHEMATIC.read_bytes(), party_field="party", valid_from_field="valid_from_approx")
    layers = [Layer(id="a", name="areas", date="2015-11-29", areas=areas),
              Layer(id="b", name="schematic", date=None, areas=sch, schematic=True)]
    g = gazetteer.load()
    pts = [(e.lat, e.lon) for e in g.entries if e.lat is not None and e.country == "SY"]
    rng = random.Random(19)
    places = []
    for _ in range(args.n):
        lat, lon = rng.choice(pts)
        prec = rng.choices([1, 2, 3, 4], weights=[80, 10, 5, 5])[0]
        places.append((lat, lon, prec, f"2016-0{rng.randint(1, 5)}-{rng.randint(1, 28):02d}"))
    t = time.perf_counter()
    reader = ControlReader(layers)
    t_index = time.perf_counter() - t
    facts = reader.place_many(places)
    dt = time.perf_counter() - t
    known = sum(f.party != "unknown" for f in facts)
    print(f"{args.n} incidents against {len(areas) + len(sch)} polygons "
          f"({'OCHA 2015-11-29 + schematic' if OCHA.exists() else 'grid + schematic'}): {dt:.2f} s "
          f"(index {t_index:.2f} s), {args.n / dt:,.0f} incidents/s; {known} placed, {args.n - known} unknown; "
          f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (target < 5 s)")


if __name__ == "__main__":
    main()
