"""The authorization matrix: every route of the app x every role x every kind of record.

Each route the app serves has an entry in :data:`MATRIX`; a route added without one fails
:func:`test_every_route_is_in_the_matrix`. Each entry asks, for every role (and, where the
route shows records, for every kind of record in ``tests.web.matrix``), whether the answer is
allowed or denied, and which fields appear. Callers authenticate with API tokens (pages and
API alike); the sign-in page itself is one of the routes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response

from civharm.security import passwords
from civharm.security.users import set_password
from tests.web.conftest import PASSWORD
from tests.web.matrix import (
    ANONYMOUS,
    KINDS,
    ROLES,
    STAFF,
    Seed,
    app_routes,
    cleared,
    dossier_ok,
    incident_fields_ok,
    leaks,
    report_fields_ok,
    seed,
    sees_incident,
    sees_report,
)

SUBMITTERS = frozenset({"admin", "analyst", "assessor", "intake"})
APPROVERS = frozenset({"admin", "approver"})
MISSING = 987654
Check = Callable[[TestClient, str, Seed], None]


def _call(client: TestClient, method: str, url: str, **kwargs: Any) -> Response:
    return client.request(method, url, follow_redirects=False, **kwargs)


def _status(
    response: Response, role: str, *, allowed: bool, page: bool, ok: int = 200, hidden: int = 403
) -> None:
    """Anonymous callers are sent to sign in (pages) or get 401 (API); others get ``ok`` or ``hidden``."""
    if role == ANONYMOUS:
        if page:
            assert response.status_code == 303 and response.headers["location"].startswith("/login"), (
                response.status_code
            )
        else:
            assert response.status_code == 401, (role, response.status_code, response.text[:200])
        return
    expected = ok if allowed else hidden
    assert response.status_code == expected, (
        role,
        response.request.url,
        response.status_code,
        response.text[:300],
    )
    if not cleared(role):
        assert not leaks(response.text), (role, response.request.url)


def simple(
    method: str, url: str, *, who: Callable[[str], bool] = lambda r: True, page: bool = False, ok: int = 200,
    hidden: int = 403, json: Any = None, data: Any = None,
) -> Check:  # fmt: skip
    def check(client: TestClient, role: str, s: Seed) -> None:
        target = url.format(lat=s.lat, lon=s.lon, missing=MISSING)
        response = _call(client, method, target, json=json, data=data)
        _status(response, role, allowed=who(role), page=page, ok=ok, hidden=hidden)

    return check


def per_incident(path: str, *, page: bool = False, then: Callable[..., None] | None = None) -> Check:
    """One request per kind of record; hidden incidents answer 404, exactly like missing ones."""

    def check(client: TestClient, role: str, s: Seed) -> None:
        for kind in KINDS:
            response = _call(client, "GET", path.format(code=s.codes[kind]))
            _status(response, role, allowed=sees_incident(role, kind), page=page, hidden=404)
            if then and response.status_code == 200:
                then(role, kind, response)

    return check


def per_report(path: str, *, page: bool = False) -> Check:
    def check(client: TestClient, role: str, s: Seed) -> None:
        for kind in KINDS:
            response = _call(client, "GET", path.format(id=s.reports[kind]))
            _status(response, role, allowed=sees_report(role, kind), page=page, hidden=404)
            if response.status_code == 200 and not page:
                report_fields_ok(role, kind, response.json())

    return check


def visible_codes(role: str, s: Seed, *, located: bool = False) -> set[str]:
    """What a list may contain for ``role``; ``located``: only incidents whose coordinates it may use."""
    return {
        s.codes[k]
        for k in KINDS
        if sees_incident(role, k) and not (located and k == "restricted" and not cleared(role))
    }


def incident_list(client: TestClient, role: str, s: Seed) -> None:
    response = _call(client, "GET", "/api/v1/incidents?per_page=100")
    _status(response, role, allowed=True, page=False)
    if role == ANONYMOUS:
        return
    items = response.json()["items"]
    assert {i["code"] for i in items} == visible_codes(role, s)
    for item in items:
        kind = next(k for k in KINDS if s.codes[k] == item["code"])
        incident_fields_ok(role, kind, item)
    # A search for a word only the restricted description holds finds it only for the cleared.
    found = _call(client, "GET", "/api/v1/incidents?q=SECRETMARK").json()
    assert found["total"] == (1 if cleared(role) else 0), (role, found)
    # A map box never probes coordinates the policy withholds.
    box = f"{s.lon - 0.1},{s.lat - 0.1},{s.lon + 0.1},{s.lat + 0.1}"
    boxed = _call(client, "GET", f"/api/v1/incidents?bbox={box}&per_page=100").json()
    assert {i["code"] for i in boxed["items"]} == visible_codes(role, s, located=True)


def incident_page_list(client: TestClient, role: str, s: Seed) -> None:
    response = _call(client, "GET", "/incidents?per_page=100")
    _status(response, role, allowed=True, page=True)
    if role != ANONYMOUS:
        for kind in KINDS:
            assert (s.codes[kind] in response.text) == sees_incident(role, kind), (role, kind)


def map_points(client: TestClient, role: str, s: Seed) -> None:
    response = _call(client, "GET", "/api/v1/geo/incidents")
    _status(response, role, allowed=True, page=False)
    if role != ANONYMOUS:
        codes = {f["properties"]["code"] for f in response.json()["features"]}
        assert codes == visible_codes(role, s, located=True), role


def incident_geometry(role: str, kind: str, response: Response) -> None:
    kinds = [f["properties"]["kind"] for f in response.json()["features"]]
    # The incident's point is withheld from those not cleared for a restricted incident.
    assert ("incident" in kinds) == (kind != "restricted" or cleared(role)), (role, kind, kinds)


def dashboard(client: TestClient, role: str, s: Seed) -> None:
    response = _call(client, "GET", "/api/v1/dashboard?date_from=2026-01-01&date_to=2026-12-31")
    _status(response, role, allowed=True, page=False)
    if role != ANONYMOUS:
        figures = response.json()
        assert figures["incidents"] == len(visible_codes(role, s)), role
        if role not in STAFF:
            assert figures["overdue"] == []


def candidates(client: TestClient, role: str, s: Seed) -> None:
    draft = {
        "latitude": s.lat,
        "longitude": s.lon,
        "date_start": "2026-03-14",
        "location_precision": "settlement",
    }
    response = _call(client, "POST", "/api/v1/reports/candidates", json=draft)
    _status(response, role, allowed=True, page=False)
    if role != ANONYMOUS:
        # every incident sits at the draft's place and date: all those the role may see, no other
        assert {c["code"] for c in response.json()} == visible_codes(role, s, located=True), role


def engine_candidates(client: TestClient, role: str, s: Seed) -> None:
    """The engine's own route: for those who log reports (intake included), scoped like the form."""
    draft = {"date": "2026-03-14", "latitude": s.lat, "longitude": s.lon, "place_name": "Al Mayadin"}
    response = _call(client, "POST", "/api/v1/linkage/candidates", json=draft)
    _status(response, role, allowed=role in SUBMITTERS, page=False)
    if role in SUBMITTERS:
        assert {c["code"] for c in response.json()} == visible_codes(role, s, located=True), role


def screening(path: str, body: Callable[[Seed], Any]) -> Check:
    def check(client: TestClient, role: str, s: Seed) -> None:
        response = _call(client, "POST", path, json=body(s))
        _status(response, role, allowed=True, page=False)
        if role != ANONYMOUS:
            hidden = set(s.codes.values()) - visible_codes(role, s, located=True)
            assert not any(code in response.text for code in hidden), role

    return check


def submit_form(client: TestClient, role: str, s: Seed) -> None:
    form = {"source_type": "ngo", "source_name": "Matrix form", "topics": ["poc"]}
    response = _call(client, "POST", "/reports/new", data=form)
    _status(response, role, allowed=role in SUBMITTERS, page=True, ok=303)


def sign_in_form(client: TestClient, role: str, s: Seed) -> None:
    form = {"username": "matrix-analyst", "password": PASSWORD, "next": "/"}
    response = _call(client, "POST", "/login", data=form)
    assert response.status_code == 303 and response.headers["location"] == "/", role
    client.cookies.clear()  # the matrix goes on as the role under test


def api_login(client: TestClient, role: str, s: Seed) -> None:
    response = _call(
        client, "POST", "/api/v1/auth/login", json={"username": "matrix-analyst", "password": PASSWORD}
    )
    assert response.status_code == 200 and response.json()["username"] == "matrix-analyst", role
    client.cookies.clear()


def open_to_all(method: str, url: str, ok: int = 200) -> Check:
    def check(client: TestClient, role: str, s: Seed) -> None:
        assert _call(client, method, url).status_code == ok, (role, url)

    return check


def answer_link(client: TestClient, role: str, s: Seed) -> None:
    answer = {"answer": "Two were hurt.", "answered_by": "Matrix expert"}
    response = _call(client, "POST", "/api/v1/exchange/answer/none-such", json=answer)
    assert response.status_code == 404, (role, response.status_code, response.text[:200])


def own_force_activities(client: TestClient, role: str, s: Seed) -> None:
    """Staff see the activities near any incident; to everyone else the route does not exist."""
    for kind in KINDS:
        response = _call(client, "GET", f"/api/v1/linkage/incidents/{s.codes[kind]}/activities")
        _status(response, role, allowed=role in STAFF, page=False, hidden=404)


def logout_page(client: TestClient, role: str, s: Seed) -> None:
    response = _call(client, "POST", "/logout")
    assert response.status_code == 303 and response.headers["location"] == "/login", role


staff = STAFF.__contains__
editors = frozenset({"admin", "analyst", "assessor"}).__contains__
submitters = SUBMITTERS.__contains__
approvers = APPROVERS.__contains__
REPORT = {"source_type": "ngo", "source_name": "Matrix API report"}
REQUEST = {"recipient": "Matrix partner", "questions": ["Who was hurt?"], "deadline": "2026-12-31"}
POINT = lambda s: {"geometry": {"type": "Point", "coordinates": [s.lon, s.lat]}, "radius_km": 5}  # noqa: E731
POINTS = lambda s: {"points": [{"point_id": "p1", "latitude": s.lat, "longitude": s.lon}], "radius_km": 5}  # noqa: E731

#: (method, path) -> what each role may do there.
MATRIX: dict[tuple[str, str], Check] = {
    ("GET", "/"): open_to_all("GET", "/", ok=307),
    ("GET", "/openapi.json"): open_to_all("GET", "/openapi.json"),
    ("GET", "/api/v1/health"): open_to_all("GET", "/api/v1/health"),
    # the web app's own
    ("GET", "/api/v1/dashboard"): dashboard,
    ("GET", "/dashboard"): simple("GET", "/dashboard", page=True),
    ("GET", "/api/v1/review"): simple("GET", "/api/v1/review", who=staff),
    ("GET", "/review"): simple("GET", "/review", who=staff, page=True),
    ("POST", "/api/v1/review/determinations/{determination_id}/approve"): simple(
        "POST", "/api/v1/review/determinations/{missing}/approve", who=approvers, hidden=403, ok=404
    ),
    ("POST", "/review/determinations/{determination_id}/approve"): simple(
        "POST", "/review/determinations/{missing}/approve", who=approvers, page=True
    ),
    # incidents
    ("GET", "/api/v1/incidents"): incident_list,
    ("GET", "/api/v1/incidents/{code}"): per_incident(
        "/api/v1/incidents/{code}", then=lambda role, kind, r: dossier_ok(role, kind, r.json())
    ),
    ("GET", "/api/v1/geo/incidents"): map_points,
    ("GET", "/api/v1/geo/incidents/{code}"): per_incident(
        "/api/v1/geo/incidents/{code}", then=incident_geometry
    ),
    ("GET", "/incidents"): incident_page_list,
    ("GET", "/incidents/{code}"): per_incident("/incidents/{code}", page=True),
    ("GET", "/map"): simple("GET", "/map", page=True),
    # reports and intake
    ("POST", "/api/v1/reports"): simple("POST", "/api/v1/reports", who=submitters, ok=201, json=REPORT),
    ("GET", "/api/v1/reports/{report_id}"): per_report("/api/v1/reports/{id}"),
    ("POST", "/api/v1/reports/candidates"): candidates,
    ("GET", "/reports/new"): simple("GET", "/reports/new", who=submitters, page=True),
    ("POST", "/reports/new"): submit_form,
    ("POST", "/reports/new/candidates"): simple(
        "POST", "/reports/new/candidates", who=submitters, page=True, data={"place_name": "Al Mayadin"}
    ),
    ("GET", "/reports/{report_id}"): per_report("/reports/{id}", page=True),
    # sites
    ("GET", "/api/v1/sites"): simple("GET", "/api/v1/sites"),
    ("GET", "/api/v1/sites/{ref}"): simple("GET", "/api/v1/sites/none-such", ok=404),
    ("POST", "/api/v1/sites/screen"): screening("/api/v1/sites/screen", POINT),
    ("POST", "/api/v1/sites/screen/batch"): screening("/api/v1/sites/screen/batch", POINTS),
    ("GET", "/sites"): simple("GET", "/sites", page=True),
    # areas
    ("GET", "/api/v1/areas"): simple("GET", "/api/v1/areas"),
    ("GET", "/api/v1/areas/frameworks"): simple("GET", "/api/v1/areas/frameworks"),
    ("GET", "/api/v1/areas/{area_id}"): simple("GET", "/api/v1/areas/{missing}", ok=404),
    ("GET", "/api/v1/areas/{area_id}/geojson"): simple("GET", "/api/v1/areas/{missing}/geojson", ok=404),
    ("GET", "/areas"): simple("GET", "/areas", page=True),
    ("GET", "/areas/{area_id}"): simple("GET", "/areas/{missing}", page=True, ok=404),
    # lessons and qualitative analysis: internal to the cell
    ("GET", "/api/v1/lessons"): simple("GET", "/api/v1/lessons", who=staff),
    ("GET", "/api/v1/lessons/patterns"): simple("GET", "/api/v1/lessons/patterns?month=2026-03", who=staff),
    ("GET", "/lessons"): simple("GET", "/lessons", who=staff, page=True),
    ("GET", "/lessons/{code}"): simple("GET", "/lessons/LL-2026-999", who=staff, page=True, ok=404),
    ("GET", "/reports/monthly"): simple("GET", "/reports/monthly?month=2026-03", who=staff, page=True),
    ("GET", "/api/v1/qualitative/projects/{name}"): simple(
        "GET", "/api/v1/qualitative/projects/none-such", ok=404, hidden=404
    ),
    ("GET", "/api/v1/qualitative/projects/{name}/codebook.qdc"): simple(
        "GET", "/api/v1/qualitative/projects/none-such/codebook.qdc", ok=404, hidden=404
    ),
    # exchange: the release log and requests for information are the cell's; an answer link
    # needs no account (its token is the credential), so a wrong token is simply not found
    ("GET", "/api/v1/exchange/releases"): simple("GET", "/api/v1/exchange/releases", who=staff),
    ("GET", "/api/v1/exchange/requests"): simple("GET", "/api/v1/exchange/requests", who=editors),
    ("POST", "/api/v1/exchange/requests"): simple(
        "POST", "/api/v1/exchange/requests", who=editors, ok=201, json=REQUEST
    ),
    ("GET", "/api/v1/exchange/answer/{token}"): open_to_all(
        "GET", "/api/v1/exchange/answer/none-such", ok=404
    ),
    ("POST", "/api/v1/exchange/answer/{token}"): answer_link,
    # linkage: the engine compares only what the caller may see, so all who log reports may ask it
    ("POST", "/api/v1/linkage/candidates"): engine_candidates,
    ("GET", "/api/v1/linkage/incidents/{code}/activities"): own_force_activities,
    # sign-in, sign-out, tokens
    ("GET", "/login"): open_to_all("GET", "/login"),
    ("POST", "/login"): sign_in_form,
    ("POST", "/logout"): logout_page,
    ("POST", "/api/v1/auth/login"): api_login,
    ("POST", "/api/v1/auth/logout"): open_to_all("POST", "/api/v1/auth/logout", ok=204),
    ("GET", "/api/v1/auth/me"): simple("GET", "/api/v1/auth/me"),
    ("GET", "/api/v1/auth/tokens"): simple("GET", "/api/v1/auth/tokens"),
    ("POST", "/api/v1/auth/tokens"): simple("POST", "/api/v1/auth/tokens", ok=201, json={"label": "matrix"}),
    ("DELETE", "/api/v1/auth/tokens/{token_id}"): simple("DELETE", "/api/v1/auth/tokens/{missing}", ok=404),
}


def test_every_route_is_in_the_matrix(app: FastAPI) -> None:
    served = set(app_routes(app))
    assert served - set(MATRIX) == set(), "routes without an entry in the authorization matrix"
    assert set(MATRIX) - served == set(), "matrix entries for routes the app no longer serves"


def test_authorization_matrix(app: FastAPI) -> None:
    with app.state.sessions.begin() as session:
        s = seed(session)
        set_password(session, username="matrix-analyst", password=PASSWORD)
    assert passwords.HASHER.time_cost == 1  # the quick hasher of tests/web/conftest.py
    timings: dict[str, float] = {}
    for role in ROLES:
        headers = {} if role == ANONYMOUS else {"Authorization": f"Bearer {s.tokens[role]}"}
        with TestClient(app, headers=headers) as client:
            for key, check in MATRIX.items():
                began = time.perf_counter()
                try:
                    check(client, role, s)
                except AssertionError as exc:
                    raise AssertionError(f"{key[0]} {key[1]} as {role}: {exc}") from exc
                timings[key[1]] = timings.get(key[1], 0.0) + time.perf_counter() - began
    print(sorted(timings.items(), key=lambda kv: -kv[1])[:8])
