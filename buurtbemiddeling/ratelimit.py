"""Rate limits for the public forms, per client address, on top of django-ratelimit.

The public forms (a resident's report, a volunteer's application) are open to anyone, so they
count successful submissions per client address and refuse more than
``settings.PUBLIC_FORM_RATE_LIMIT`` (default 5 an hour) with a clear page and status 429. Only
what would be stored is counted: a resident who corrects a typo three times is not punished.

Use in a view::

    from buurtbemiddeling import ratelimit

    if request.method == "POST":
        if ratelimit.is_limited(request, group="self_report"):
            return ratelimit.too_many_requests(request)
        ...
        if form.is_valid():
            ratelimit.record(request, group="self_report")
            ...

The counters live in Django's default cache: Redis when REDIS_URL is set, else the file-based
cache that all processes on the machine share (see settings.base about its approximate counts).
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)

# One household or phone gets a whole /64 from its provider; counting per address would let a
# single client rotate through millions of them.
IPV6_PREFIX = 64
UNKNOWN = "unknown"


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The address to count a request against.

    REMOTE_ADDR, unless settings.TRUSTED_PROXY_COUNT says how many proxies in front of the app
    append to X-Forwarded-For: then the entry that many places from the right, the one written
    by the outermost trusted proxy. Entries further left are whatever the client sent and are
    never trusted. IPv6 addresses are reduced to their /64 network.
    """
    address = _parse(request.META.get("REMOTE_ADDR") or "")
    proxies = max(settings.TRUSTED_PROXY_COUNT, 0)
    if proxies:
        forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            address = _parse(forwarded[-proxies]) or address
    if address is None:
        # Only a misconfigured server gets here (e.g. a proxy on a Unix socket without
        # TRUSTED_PROXY_COUNT); all such requests then share one counter.
        logger.warning("rate limit: no client address in the request; counting it as %r", UNKNOWN)
        return UNKNOWN
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False).network_address)
    return str(address)


def axes_client_address(request: HttpRequest) -> str | None:
    """django-axes' AXES_CLIENT_IP_CALLABLE: the same address the rate limits count.

    None when there is no usable address: axes stores the address in an IP field.
    """
    address = client_address(request)
    return None if address == UNKNOWN else address


def _key(group: str, request: HttpRequest) -> str:
    return client_address(request)


def _usage(request: HttpRequest, *, group: str, rate: str | None, increment: bool) -> dict | None:
    try:
        return get_usage(
            request,
            group=group,
            key=_key,
            rate=rate or settings.PUBLIC_FORM_RATE_LIMIT,
            method=get_usage.ALL,
            increment=increment,
        )
    except Exception:  # the cache is down: let the resident through rather than lose their report
        logger.warning("rate limit: cache unavailable, %s not limited", group, exc_info=True)
        return None


def is_limited(request: HttpRequest, *, group: str, rate: str | None = None) -> bool:
    """True when this client has used up its submissions of ``group``; counts nothing."""
    usage = _usage(request, group=group, rate=rate, increment=False)
    return bool(usage and usage["count"] >= usage["limit"])


def record(request: HttpRequest, *, group: str, rate: str | None = None) -> None:
    """Count one submission of ``group`` for this client."""
    _usage(request, group=group, rate=rate, increment=True)


def too_many_requests(request: HttpRequest, *, template: str = "429.html") -> HttpResponse:
    """The 429 page: says what happened and what to do instead. Nothing was stored."""
    return HttpResponse(render_to_string(template, request=request), status=429)


def limit_submissions(group: str, *, rate: str | None = None, template: str = "429.html") -> Callable:
    """Wrap a public form view whose successful POST redirects: refuse a client that used up
    ``rate`` (default PUBLIC_FORM_RATE_LIMIT) successful submissions with the 429 page.

    For views we do not write ourselves, such as Django's password reset. A POST answered with a
    redirect is a submission that was acted on; a re-shown form (200) is not counted.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method != "POST":
                return view(request, *args, **kwargs)
            if is_limited(request, group=group, rate=rate):
                return too_many_requests(request, template=template)
            response = view(request, *args, **kwargs)
            if 300 <= response.status_code < 400:
                record(request, group=group, rate=rate)
            return response

        return wrapped

    return decorator
