"""Nothing the app serves points the browser at another host: pages, scripts, styles, data.

Every page is fetched, then every file it references (and the files those reference), and
each body is searched for ``http://`` and ``https://``. The only strings allowed are listed
below with the reason each one never makes anything leave the machine.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from civharm.db.engine import create_db_engine, session_factory
from civharm.incidents.models import Incident
from civharm.web.app import create_app
from tests.web.conftest import DEMO_PASSWORD, sign_in, web_settings

URL = re.compile(r"https?://[^\s\"'<>)]+")
REFERENCE = re.compile(r"""(?:src|href)=["']([^"'#]+)["']|url\(["']?([^"')]+)["']?\)""")
#: Strings in vendored libraries that look like addresses but are never fetched.
ALLOWED = {
    "http://www.w3.org/2000/svg": "an XML namespace name in Leaflet's SVG renderer; never fetched",
    "https://leafletjs.com": "Leaflet's licence comment and default attribution link (map.js turns it off)",
    "https://bugs.chromium.org/p/chromium/issues/detail?id=600120": "a comment in Leaflet's source",
    "https://bugzilla.mozilla.org/show_bug.cgi?id=888319": "a comment in Leaflet's source",
    "https://github.com/topojson/topojson-client": "topojson-client's licence comment",
}
VENDOR = Path(__file__).resolve().parents[2] / "src" / "civharm" / "web" / "static" / "vendor"


def _pages(client: TestClient) -> list[str]:
    code = client.get("/api/v1/incidents", params={"per_page": 1}).json()["items"][0]["code"]
    report = client.post(
        "/api/v1/reports", json={"source_type": "ngo", "source_name": "offline check"}
    ).json()
    return [
        "/login",
        "/incidents",
        "/incidents?topic=crsv&sort=-killed",
        f"/incidents/{code}",
        "/map",
        "/reports/new",
        f"/reports/{report['id']}",
        "/review",
        "/dashboard",
        "/openapi.json",
        f"/api/v1/incidents/{code}",
        "/api/v1/geo/incidents",
        "/api/v1/dashboard",
    ]


def _external(body: str) -> set[str]:
    return {url for url in URL.findall(body) if url not in ALLOWED}


def test_no_page_or_asset_refers_to_another_host(demo_store: str, tmp_path: Path) -> None:
    if not (VENDOR / "leaflet" / "leaflet.js").is_file():
        pytest.fail("front-end libraries are missing from static/vendor; run scripts/setup")
    app = create_app(web_settings(tmp_path, demo_store))
    with TestClient(app) as client:
        sign_in(client, "demo-admin", DEMO_PASSWORD)
        queue = _pages(client)
        queue += ["/static/web/vendor/admin1/index.json", "/static/web/vendor/admin1/SYR.json"]
        seen: set[str] = set()
        problems: dict[str, set[str]] = {}
        while queue:
            path = queue.pop()
            if path in seen:
                continue
            seen.add(path)
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            body = response.text
            if found := _external(body):
                problems[path] = found
            for match in REFERENCE.finditer(body):
                target = html.unescape(match.group(1) or match.group(2))
                # Every asset, and every page without a query string (each incident, each report);
                # the pages above already cover the filtered and sorted variants.
                if target.startswith("/") and not target.startswith("//") and "?" not in target:
                    queue.append(target)
                elif target.startswith(("images/", "../")):  # relative, from a stylesheet
                    base = path.rsplit("/", 1)[0]
                    queue.append(str(Path(base) / target).replace("/./", "/"))
    assert not problems, f"references to other hosts: {problems}"
    assert {"/static/web/vendor/leaflet/leaflet.js", "/static/web/vendor/htmx/htmx.min.js"} <= seen
    assert any(p.startswith("/static/web/vendor/leaflet/images/") for p in seen)


def test_a_configured_tile_layer_is_the_only_way_out(demo_store: str, tmp_path: Path) -> None:
    settings = web_settings(tmp_path, demo_store).model_copy(
        update={"map_tile_url": "https://tiles.example.org/{z}/{x}/{y}.png"}
    )
    engine = create_db_engine(demo_store)
    with session_factory(engine)() as session:
        assert session.query(Incident).count() > 0
    with TestClient(create_app(settings, engine=engine)) as client:
        sign_in(client, "demo-analyst", DEMO_PASSWORD)
        assert _external(client.get("/map").text) == {"https://tiles.example.org/{z}/{x}/{y}.png"}
    engine.dispose()
