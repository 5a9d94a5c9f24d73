"""/healthz and /readyz."""

from django.test import override_settings

DOWN = "redis://127.0.0.1:1/0"  # nothing listens there


def test_healthz_says_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_checks_the_database_and_each_part_that_needs_redis(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "channel_layer": "ok", "broker": "ok"}


def test_readyz_names_every_part_whose_redis_is_down(client, db, settings):
    settings.CELERY_BROKER_URL = DOWN
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]
    assert response.json()["checks"]["cache"] == "ok" and response.json()["checks"]["database"] == "ok"

    layer = settings.CHANNEL_LAYERS["default"]
    with override_settings(CHANNEL_LAYERS={"default": {**layer, "CONFIG": {**layer["CONFIG"], "hosts": [DOWN]}}}):
        assert client.get("/readyz").json()["failed"] == ["channel_layer", "broker"]
