"""HTTP response headers every civharm page and API response carries."""

from __future__ import annotations

#: Everything from this origin only: no CDN, no inline script, no framing, no plugins.
#: ``img-src data: blob:`` lets offline map rendering draw into images; ``style-src`` allows
#: no inline ``<style>`` blocks (style attributes set from scripts are not affected).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def security_headers(*, secure: bool = True) -> dict[str, str]:
    """The recommended headers; ``secure`` adds HSTS (only meaningful over HTTPS).

    Example: ``for name, value in security_headers(secure=settings.cookie_secure).items(): ...``
    """
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
        "X-Permitted-Cross-Domain-Policies": "none",
    }
    if secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers


#: Responses to a logged-in user hold restricted data: no cache may keep them.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
