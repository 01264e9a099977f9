"""The real-service fixtures (SMTP server, Celery worker processes) of tests/notifications, for the
retention test that runs in a worker. They start nothing until a test asks for them."""

from tests.notifications.services import _smtp_controller, smtp_server, start_worker  # noqa: F401
