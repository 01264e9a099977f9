"""Answers kept for the rest of one request: reference data looked up twice while handling it.

A referral's postcode is looked up by the form (to say "outside our service area" next to the
field) and again by the intake service, which guards every way in and must not take its caller's
word for it. Both ask within the same few milliseconds; the second answer is the first one::

    @per_request
    def neighbourhood_for_postcode(postcode): ...

Only for lookups of reference data that the request itself does not change (postcode areas, say).
The memo lives as long as the request (``RequestMemoMiddleware``); outside a request (a Celery task,
a management command, a test calling a service) every call computes afresh, as without the memo.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_memo: ContextVar[dict | None] = ContextVar("buurtbemiddeling_request_memo", default=None)


def per_request(function: Callable[P, T]) -> Callable[P, T]:
    """Keep ``function``'s answer per (hashable) arguments for the rest of the current request.

    ``function.remember(answer, *args, **kwargs)`` gives the answer for those arguments before the
    first call asks: for a view that reads several such answers in one round trip
    (buurtbemiddeling.together). Outside a request it does nothing.
    """

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        memo = _memo.get()
        if memo is None:
            return function(*args, **kwargs)
        key = _key(function, args, kwargs)
        if key not in memo:
            memo[key] = function(*args, **kwargs)
        return memo[key]

    def remember(answer: T, /, *args: P.args, **kwargs: P.kwargs) -> None:
        memo = _memo.get()
        if memo is not None:
            memo[_key(function, args, kwargs)] = answer

    wrapper.remember = remember
    return wrapper


def _key(function: Callable, args: tuple, kwargs: dict) -> tuple:
    return (function, args, tuple(sorted(kwargs.items())))


class RequestMemoMiddleware:
    """Opens an empty memo for each request and drops it when the response is made."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
