"""Dutch short dates: month abbreviations in lower case ("27 nov 2026"), as Dutch writes them.

Django's "M" capitalises ("Nov"); "b" does not. Templates use SHORT_DATE_FORMAT and SHORT_DATETIME_FORMAT,
so that each language gets its own convention.
"""

SHORT_DATE_FORMAT = "j b Y"
SHORT_DATETIME_FORMAT = "j b Y, H:i"
MONTH_DAY_FORMAT = "j b"
