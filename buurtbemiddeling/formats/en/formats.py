"""English short dates: "27 Nov 2026" (day first, as in British English, the same order as the Dutch)."""

SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j M"
