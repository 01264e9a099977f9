"""Django's PostgreSQL backend with a health check that needs no round trip while nothing has arrived (base.py)."""
