"""The web app's pure parts: geometry, charts, labels, outlines, feature discovery."""

from __future__ import annotations

import math
from datetime import date

from civharm.web.charts import Series, horizontal_bars, nice_ceiling, stacked_bars
from civharm.web.dashboard import month_keys
from civharm.web.features import discover_features
from civharm.web.filters import IncidentQuery
from civharm.web.geometry import bbox_of, haversine_km, simplify_ring
from civharm.web.templating import count_range, label, query_string
from civharm.web.vendor import split_admin1


def test_distances_and_outline_simplification() -> None:
    assert math.isclose(haversine_km(35.0, 40.0, 36.0, 40.0), 111.2, abs_tol=0.2)
    ring = [[0.0, 0.0], [0.001, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]
    simplified = simplify_ring(ring, tolerance=0.01)
    assert simplified[0] == simplified[-1] and [0.001, 0.0] not in simplified and len(simplified) == 5
    tiny = [[0.0, 0.0], [0.001, 0.0], [0.001, 0.001], [0.0, 0.0]]
    assert len(simplify_ring(tiny, tolerance=0.01)) == 4  # never collapses into an invalid ring


def test_admin1_outlines_are_grouped_by_country() -> None:
    square = {"type": "Polygon", "coordinates": [[[38, 35], [39, 35], [39, 36], [38, 36], [38, 35]]]}
    collection = {
        "features": [
            {
                "properties": {
                    "adm0_a3": "SYR",
                    "admin": "Syria",
                    "name": "Dayr Az Zawr",
                    "iso_3166_2": "SY-DY",
                },
                "geometry": square,
            },
            {"properties": {"adm0_a3": "SYR", "admin": "Syria", "name": "Ar Raqqah"}, "geometry": square},
            {"properties": {"adm0_a3": "IRQ", "admin": "Iraq", "name": "Al-Anbar"}, "geometry": None},
        ]
    }
    split = split_admin1(collection)
    assert split["index"] == {"SYR": {"name": "Syria", "bbox": [38.0, 35.0, 39.0, 36.0], "count": 2}}
    names = [f["properties"]["name"] for f in split["countries"]["SYR"]["features"]]
    assert names == ["Dayr Az Zawr", "Ar Raqqah"]
    assert bbox_of(square) == (38, 35, 39, 36)


def test_charts_are_accessible_svg() -> None:
    svg = stacked_bars(
        ["26-01", "26-02"],
        [Series("PoC", [3, 0]), Series("CPP", [1, 2])],
        title="Incidents <per> month",
        description="d",
    )
    assert svg.startswith("<svg") and 'role="img"' in svg and "Incidents &lt;per&gt; month" in svg
    assert svg.count("<rect") == 3 + 2  # three bars with values, two legend keys
    bars = horizontal_bars([("Deir ez-Zor", 20.0), ("Homs", 3.0)], title="By area", description="d")
    assert "Deir ez-Zor" in bars and ">20<" in bars
    assert [nice_ceiling(v) for v in (0, 7, 13, 450)] == [1.0, 10.0, 20.0, 500.0]


def test_labels_ranges_and_query_strings() -> None:
    assert label("under_assessment") == "Under assessment"
    assert label("crsv") == "CRSV" and label(None) == "—"
    assert (
        count_range(2, 5) == "2\u20135" and count_range(3, 3) == "3" and count_range(None, None) == "unknown"
    )
    assert count_range(2, None) == "at least 2"
    assert query_string({"topic": "poc", "page": "3"}, page=None, sort="-date") == "?topic=poc&sort=-date"
    assert month_keys(date(2025, 11, 20), date(2026, 2, 1)) == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_feature_routers_are_found_by_convention() -> None:
    features = {f.name: f for f in discover_features()}
    assert features["incidents"].api is not None and features["incidents"].pages is not None
    assert features["reports"].templates is not None
    assert "web" not in features and "cli" not in features
    for name in ("sites", "areas", "lessons", "qualitative", "security"):  # mounted by create_app
        assert features[name].api is not None or features[name].pages is not None, name


def test_filtered_lists_stop_counting_at_a_thousand() -> None:
    assert IncidentQuery().shown_total(100_000) == (100_000, True)
    assert IncidentQuery(topic=["poc"]).shown_total(1_001) == (1_000, False)
    assert IncidentQuery(topic=["poc"]).shown_total(999) == (999, True)
