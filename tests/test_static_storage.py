"""Production's static files storage: the hashed URL of WhiteNoise's storage, worked out once per file."""

import json

import pytest
from django.test import override_settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

from buurtbemiddeling.storage import StaticFilesStorage


@pytest.fixture
def static_root(tmp_path):
    manifest = {"version": "1.1", "paths": {"css/app.css": "css/app.0123456789ab.css"}, "hash": "x"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    with override_settings(STATIC_ROOT=str(tmp_path), STATIC_URL="/static/", DEBUG=False):
        yield tmp_path


def test_it_gives_the_hashed_url_of_whitenoise_storage(static_root):
    ours, theirs = StaticFilesStorage(), CompressedManifestStaticFilesStorage()
    assert ours.url("css/app.css") == theirs.url("css/app.css") == "/static/css/app.0123456789ab.css"
    # From memory the second time: the same answer, without reading the manifest again.
    ours.hashed_files = {}
    assert ours.url("css/app.css") == "/static/css/app.0123456789ab.css"


def test_a_file_missing_from_the_manifest_stays_an_error(static_root):
    storage = StaticFilesStorage()
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")
