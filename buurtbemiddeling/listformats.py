"""Dates and links for long lists, made in Python once per row instead of by template tags.

A list page of 50 rows with a few ``{{ value|date:"..." }}`` and ``{% url %}`` per row spends most of its
time in them: each date filter goes through django.utils.dateformat (about 30 µs) and each reverse()
through the URL resolver (about 100 µs). The helpers here give the same strings for a fraction of that:

- ``ListDates().format(value, "SHORT_DATETIME_FORMAT")`` is ``{{ value|date:"SHORT_DATETIME_FORMAT" }}``:
  the format of the active language (FORMAT_MODULE_PATH included), in the current time zone. Formats
  that use only the common characters (day, month, year, hour, minute, month and weekday names) are
  compiled once per language; any other format falls back to Django's own formatter.
- ``ListDates().iso(value)`` is ``{{ value|date:'Y-m-d\\TH:i:sO' }}``, for ``<time datetime>``.
- ``url_maker("cases:detail", "code")`` reverses once and returns a function that fills in the code.
- ``choice_labels(Status)[value]`` is ``get_status_display()``: that one translates and hashes every
  label of the field's choices on every call (a tenth of a millisecond for a list of languages).
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable
from uuid import UUID

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import dateformat, formats, timezone
from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import get_language

# The same split as django.utils.dateformat: unescaped format characters, and backslash escapes.
_FORMAT_CHARS = re.compile(r"(?<!\\)([aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ])")
_ESCAPED = re.compile(r"\\(.)")


def _names(language: str) -> dict[str, Callable]:
    """Each supported format character as a function of a date(time), names in ``language``."""
    months_3 = {n: str(name) for n, name in MONTHS_3.items()}
    months = {n: str(name) for n, name in MONTHS.items()}
    weekdays = {n: str(name) for n, name in WEEKDAYS.items()}
    weekdays_abbr = {n: str(name) for n, name in WEEKDAYS_ABBR.items()}
    return {
        "d": lambda v: f"{v.day:02d}",
        "j": lambda v: str(v.day),
        "m": lambda v: f"{v.month:02d}",
        "n": lambda v: str(v.month),
        "Y": lambda v: f"{v.year:04d}",
        "y": lambda v: f"{v.year % 100:02d}",
        "b": lambda v: months_3[v.month],
        "M": lambda v: months_3[v.month].title(),
        "F": lambda v: months[v.month],
        "D": lambda v: weekdays_abbr[v.weekday()],
        "l": lambda v: weekdays[v.weekday()],
        "H": lambda v: f"{v.hour:02d}",
        "G": lambda v: str(v.hour),
        "i": lambda v: f"{v.minute:02d}",
        "s": lambda v: f"{v.second:02d}",
    }


# (language, format string) -> list of literal strings and functions, or None for "use Django's".
# Translations and format modules do not change while the process runs, so this never goes stale.
_compiled: dict[tuple[str, str], list | None] = {}


def _compile(language: str, format_string: str) -> list | None:
    names = _names(language)
    parts: list = []
    for index, piece in enumerate(_FORMAT_CHARS.split(format_string)):
        if index % 2:
            if piece not in names:
                return None
            parts.append(names[piece])
        elif piece:
            parts.append(_ESCAPED.sub(r"\1", piece))
    return parts


class ListDates:
    """Formats dates like the template filters, for one request: its language and time zone, looked up once.

    ``format(value, "SHORT_DATETIME_FORMAT")`` is ``{{ value|date:"SHORT_DATETIME_FORMAT" }}`` (or ``|time``
    for a time format); ``iso(value)`` is ``{{ value|date:'Y-m-d\\TH:i:sO' }}``, for ``<time datetime>``.
    """

    def __init__(self) -> None:
        self.language = get_language()
        self.zone = timezone.get_current_timezone()
        self._parts: dict[str, tuple[str, list | None]] = {}

    def local(self, value):
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            return value.astimezone(self.zone)
        return value

    def format(self, value: datetime.date | datetime.datetime | None, format_name: str) -> str:
        if value is None:
            return ""
        try:
            format_string, parts = self._parts[format_name]
        except KeyError:
            format_string = formats.get_format(format_name, self.language)
            key = (self.language or "", format_string)
            if key not in _compiled:
                _compiled[key] = _compile(*key)
            format_string, parts = self._parts[format_name] = (format_string, _compiled[key])
        value = self.local(value)
        if parts is None:
            return dateformat.format(value, format_string)
        return "".join([part if isinstance(part, str) else part(value) for part in parts])

    def weekday_and_day(self, value: datetime.date | datetime.datetime, *, with_time: bool = False) -> str:
        """``{{ value|date:"D" }} {{ value|date:"MONTH_DAY_FORMAT" }}``, and with ``with_time``
        ``, {{ value|time:"H:i" }}``: how lists show a deadline, a meeting or a follow-up date."""
        day = f"{self.format(value, 'D')} {self.format(value, 'MONTH_DAY_FORMAT')}"
        return f"{day}, {self.format(value, 'H:i')}" if with_time else day

    def iso(self, value: datetime.datetime | None) -> str:
        if value is None:
            return ""
        value = self.local(value)
        offset = value.utcoffset()
        # Like Django, no offset for a naive time, nor for a wall-clock time that occurs twice (the hour the
        # clocks go back). Written out from the fields: strftime took half of the time here.
        if offset is None or offset != value.replace(fold=1 - value.fold).utcoffset():
            zone = ""
        else:
            minutes = offset.days * 1440 + offset.seconds // 60
            zone = f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
        return (
            f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
            f"T{value.hour:02d}:{value.minute:02d}:{value.second:02d}{zone}"
        )


# A UUID no object has, to find where the argument goes in the reversed URL.
_PLACEHOLDER = UUID("00000000-0000-4000-8000-000000000000")


def url_maker(viewname: str, kwarg: str) -> Callable[[object], str]:
    """A function that gives ``reverse(viewname, kwargs={kwarg: value})`` for a UUID value.

    Reversed once per process for each URL configuration, script prefix and language: everything
    reverse() depends on besides its arguments, so a made URL is always the one reverse() would give.
    """
    key = (viewname, kwarg, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language())
    try:
        before, after = _url_parts[key]
    except KeyError:
        url = reverse(viewname, kwargs={kwarg: _PLACEHOLDER})
        before, after = _url_parts[key] = tuple(url.split(str(_PLACEHOLDER)))
    return lambda value: f"{before}{value}{after}"


_url_parts: dict[tuple, tuple[str, str]] = {}


def fixed_url(viewname: str) -> str:
    """``reverse(viewname)`` of a URL without arguments, reversed once per process and key (see url_maker)."""
    key = (viewname, None, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language())
    try:
        return _url_parts[key][0]
    except KeyError:
        _url_parts[key] = (url := reverse(viewname), "")
        return url


def choice_labels(choices) -> dict[str, str]:
    """``{value: label}`` of a ``models.Choices`` class in the active language, as get_FOO_display gives.

    Made once per process and language: labels are translations in the code, not data.
    """
    return _choice_labels(choices, get_language())


@functools.cache
def _choice_labels(choices, language: str) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}
