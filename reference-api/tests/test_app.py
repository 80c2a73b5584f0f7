"""The app in-process, through Starlette's TestClient (which runs the lifespan)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
import uvicorn
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient
from support import NEGATIVE, POSITIVE, wait_until

from mlapi_reference.__main__ import DrainingServer
from mlapi_reference.server import MAX_BODY_BYTES, create_app
from mlapi_reference.settings import Settings


@contextmanager
def serving(settings: Settings, wait_ready: bool = True) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        if wait_ready:
            wait_until(lambda: client.get("/ready").status_code == 200, 10, "/ready to answer 200")
        yield client


def metric(client: TestClient, sample_name: str, **labels: str) -> float:
    text = client.get("/metrics").text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == sample_name and sample.labels == labels:
                return sample.value
    raise AssertionError(f"no sample {sample_name}{labels} in:\n{text}")


@pytest.fixture
def settings(model_path: Path, tmp_path: Path) -> Settings:
    return Settings(model_path=model_path, cache_dir=tmp_path / "cache", hf_home=tmp_path / "hf")


def test_predicts_clear_sentiment(settings: Settings) -> None:
    with serving(settings) as client:
        positive = client.post("/predict", json={"text": POSITIVE})
        negative = client.post("/predict", json={"text": NEGATIVE})
        batch = client.post("/predict", json={"texts": [NEGATIVE, POSITIVE]})
    assert positive.status_code == 200 and positive.json()["label"] == "positive"
    assert negative.status_code == 200 and negative.json()["label"] == "negative"
    assert 0.5 < positive.json()["score"] <= 1.0
    assert [p["label"] for p in batch.json()["predictions"]] == ["negative", "positive"]
    assert batch.json()["predictions"][1]["score"] == pytest.approx(positive.json()["score"])


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b"[]", 422),
        (b"{}", 422),
        (b'{"text": ""}', 422),
        (b'{"text": 3}', 422),
        (b'{"texts": "one"}', 422),
        (b'{"texts": []}', 422),
        (b'{"texts": ["fine", null]}', 422),
        (b'{"text": "a", "texts": ["b"]}', 422),
        (b'{"text": "a", "extra": 1}', 422),
        (json.dumps({"text": "x" * MAX_BODY_BYTES}).encode(), 413),
    ],
)
def test_rejects_bad_input(settings: Settings, body: bytes, status: int) -> None:
    with serving(settings) as client:
        response = client.post("/predict", content=body, headers={"content-type": "application/json"})
    assert response.status_code == status
    assert response.json()["error"]


def test_not_ready_during_a_slow_load_but_alive(settings: Settings) -> None:
    slow = replace(settings, model_load_delay_seconds=1.0)
    with serving(slow, wait_ready=False) as client:
        assert client.get("/ready").status_code == 503
        assert client.get("/ready").json() == {"status": "loading"}
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.post("/predict", json={"text": POSITIVE}).status_code == 503
        assert metric(client, "mlapi_model_loaded") == 0
        wait_until(lambda: client.get("/ready").status_code == 200, 10, "the model to load")
        assert client.post("/predict", json={"text": POSITIVE}).status_code == 200
        assert metric(client, "mlapi_model_loaded") == 1


def test_a_model_that_fails_to_load_keeps_the_pod_alive_and_unready(settings: Settings, tmp_path: Path) -> None:
    broken = replace(settings, model_path=tmp_path / "missing.joblib")
    with serving(broken, wait_ready=False) as client:
        wait_until(lambda: client.get("/ready").json()["status"] == "model-load-failed", 10, "the load to fail")
        assert client.get("/ready").status_code == 503
        assert client.get("/healthz").status_code == 200
        assert client.post("/predict", json={"text": POSITIVE}).status_code == 503


def test_ready_answers_503_once_shutdown_begins(settings: Settings) -> None:
    with serving(settings) as client:
        client.app.state.service.begin_shutdown()
        assert client.get("/ready").status_code == 503
        assert client.get("/ready").json() == {"status": "shutting-down"}
        assert client.get("/healthz").status_code == 200
        assert client.post("/predict", json={"text": POSITIVE}).status_code == 200


def test_readiness_flips_before_uvicorn_starts_draining(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(settings)
    service = app.state.service
    seen = []

    async def uvicorn_shutdown(self: uvicorn.Server, sockets: object = None) -> None:
        seen.append(service.shutting_down)

    monkeypatch.setattr(uvicorn.Server, "shutdown", uvicorn_shutdown)
    asyncio.run(DrainingServer(uvicorn.Config(app), service).shutdown())
    assert seen == [True]


def test_metrics_count_every_request(settings: Settings) -> None:
    with serving(settings) as client:
        before = metric(client, "mlapi_http_requests_total", path="/ready", method="GET", status="200")
        for _ in range(3):
            client.get("/healthz")
        client.post("/predict", json={"text": POSITIVE})
        client.post("/predict", json={})
        client.get("/no/such/path")
        client.get("/no/other/path")
        assert metric(client, "mlapi_http_requests_total", path="/healthz", method="GET", status="200") == 3
        assert metric(client, "mlapi_http_requests_total", path="/predict", method="POST", status="200") == 1
        assert metric(client, "mlapi_http_requests_total", path="/predict", method="POST", status="422") == 1
        assert metric(client, "mlapi_http_requests_total", path="other", method="GET", status="404") == 2
        assert metric(client, "mlapi_http_request_duration_seconds_count", path="/healthz") == 3
        assert metric(client, "mlapi_http_requests_total", path="/ready", method="GET", status="200") == before
        assert metric(client, "mlapi_model_loaded") == 1
        response = client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    assert "process_resident_memory_bytes" in response.text


def test_fail_predict_switch_answers_500(settings: Settings) -> None:
    failing = replace(settings, switches=frozenset({"fail-predict"}))
    with serving(failing) as client:
        response = client.post("/predict", json={"text": POSITIVE})
        assert response.status_code == 500
        assert metric(client, "mlapi_http_requests_total", path="/predict", method="POST", status="500") == 1


def test_selftest_runs_one_prediction_end_to_end(settings: Settings) -> None:
    with serving(replace(settings, model_load_delay_seconds=0.5), wait_ready=False) as client:
        assert client.get("/selftest").status_code == 503
        wait_until(lambda: client.get("/ready").status_code == 200, 10, "the model to load")
        answer = client.get("/selftest")
        assert answer.status_code == 200
        assert answer.json()["label"] == "positive"


def test_fail_predict_switch_fails_the_selftest(settings: Settings) -> None:
    with serving(replace(settings, switches=frozenset({"fail-predict"}))) as client:
        assert client.get("/selftest").status_code == 500
        assert client.get("/ready").status_code == 200, "the probes still pass: only a call through the API shows it"


def test_fail_ready_switch_keeps_ready_at_503(settings: Settings) -> None:
    failing = replace(settings, switches=frozenset({"fail-ready"}))
    with serving(failing, wait_ready=False) as client:
        wait_until(lambda: client.app.state.service.model is not None, 10, "the model to load")
        assert client.get("/ready").status_code == 503
        assert client.post("/predict", json={"text": POSITIVE}).status_code == 200


def test_secret_hash_only_behind_its_switch(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secret = tmp_path / "secret"
    secret.write_bytes(b"s3cret-value\n")
    plain = replace(settings, secret_file=secret)
    revealing = replace(plain, switches=frozenset({"reveal-secret-hash"}))
    caplog.set_level(logging.DEBUG)
    with serving(plain) as client:
        assert client.get("/debug/secret-sha256").status_code == 404
    with serving(revealing) as client:
        response = client.get("/debug/secret-sha256")
    assert response.json() == {"sha256": hashlib.sha256(b"s3cret-value\n").hexdigest()}
    assert f"secret file {secret} read" in caplog.messages
    assert not [m for m in caplog.messages if "s3cret" in m]


def test_a_missing_secret_file_is_tolerated(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = replace(settings, secret_file=tmp_path / "absent", switches=frozenset({"reveal-secret-hash"}))
    with serving(missing) as client:
        assert client.get("/debug/secret-sha256").status_code == 404
    assert [r for r in caplog.records if r.levelno == logging.WARNING and "could not be read" in r.getMessage()]


def test_writes_a_start_marker_to_the_cache(settings: Settings) -> None:
    with serving(settings):
        pass
    marker = json.loads((settings.cache_dir / "mlapi-reference" / "last-start.json").read_text())
    assert marker["pid"] > 0 and marker["started_at"]


def test_the_model_load_writes_its_digest_under_hf_home(settings: Settings) -> None:
    with serving(settings) as client:
        wait_until(lambda: client.get("/ready").status_code == 200, 10, "the model to load")
    cached = (settings.hf_home / "mlapi-reference" / "model.sha256").read_text().strip()
    assert cached == hashlib.sha256(settings.model_path.read_bytes()).hexdigest()


def test_an_unwritable_hf_home_is_logged_not_fatal(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    with serving(replace(settings, hf_home=not_a_folder / "hf")) as client:
        assert client.post("/predict", json={"text": POSITIVE}).status_code == 200
    assert [r for r in caplog.records if r.levelno == logging.ERROR and "model cache" in r.getMessage()]


def test_an_unwritable_cache_is_logged_not_fatal(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    unwritable = replace(settings, cache_dir=not_a_folder / "cache")
    with serving(unwritable) as client:
        assert client.post("/predict", json={"text": POSITIVE}).status_code == 200
    assert [r for r in caplog.records if r.levelno == logging.ERROR and "is not writable" in r.getMessage()]
