import pytest


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: pytest-django makes any database access here raise.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_readyz_reports_each_check(client):
    response = client.get("/readyz")
    body = response.json()
    assert body["checks"]["database"] == "ok"
    # The test broker is the in-memory transport, or Redis in the PostgreSQL + Redis pass.
    assert body["checks"]["broker"] == "ok"
    assert response.status_code == 200


@pytest.mark.django_db
def test_readyz_names_the_broker_when_it_is_down(client, settings):
    from buurtbemiddeling.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/readyz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": "ok", "broker": "failed"}}


@pytest.mark.django_db
def test_readyz_names_the_database_when_it_is_down(client, monkeypatch):
    from buurtbemiddeling import views

    monkeypatch.setattr(views, "_check_database", lambda: False)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "failed"
