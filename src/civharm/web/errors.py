"""Domain errors become HTTP responses here, once: JSON under /api, a page elsewhere."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from civharm.errors import CivharmError, ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from civharm.web.templating import render

API_PREFIX = "/api/"
LOGIN_PATH = "/login"

STATUS_OF: list[tuple[type[CivharmError], int]] = [
    (NotFoundError, status.HTTP_404_NOT_FOUND),
    (PermissionDeniedError, status.HTTP_403_FORBIDDEN),
    (ConflictError, status.HTTP_409_CONFLICT),
    (ValidationError, status.HTTP_422_UNPROCESSABLE_CONTENT),
]


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX) or request.url.path == "/openapi.json"


def error_response(request: Request, code: int, message: str) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": message}, status_code=code)
    return render(request, "error.html", {"code": code, "message": message}, status_code=code)


async def civharm_error(request: Request, exc: Exception) -> Response:
    code = next((c for kind, c in STATUS_OF if isinstance(exc, kind)), status.HTTP_400_BAD_REQUEST)
    return error_response(request, code, str(exc))


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == status.HTTP_401_UNAUTHORIZED and not _is_api(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"{LOGIN_PATH}?next={quote(target)}", status_code=status.HTTP_303_SEE_OTHER)
    if _is_api(request) or exc.status_code == status.HTTP_405_METHOD_NOT_ALLOWED:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
    return error_response(request, exc.status_code, str(exc.detail))


def _json_safe(value: Any) -> Any:
    """The value with NaN and infinities spelt as strings: strict JSON has no word for them."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    return value


async def validation_error(request: Request, exc: Exception) -> Response:
    """422 naming each bad field; a hostile body full of NaN still gets a clean answer."""
    assert isinstance(exc, RequestValidationError)
    detail = _json_safe(jsonable_encoder(exc.errors()))
    return JSONResponse({"detail": detail}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(CivharmError, civharm_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
