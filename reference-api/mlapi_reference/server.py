"""The ASGI app: predictions, probes, metrics and the test switches."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import joblib
from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .settings import Settings

MAX_BODY_BYTES = 1 << 20
MAX_BATCH = 256
SLOW_PREDICT_SECONDS = 1.5
BUSY_PREDICT_SECONDS = 8.0
SELFTEST_TEXT = "an excellent product, it works wonderfully"
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

log = logging.getLogger("mlapi_reference")


class Metrics:
    """Per-app registry, so several apps (tests) in one process never share counters."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        self.requests = Counter(
            "mlapi_http_requests", "HTTP requests answered.", ["path", "method", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "mlapi_http_request_duration_seconds", "Time to answer an HTTP request.", ["path"], registry=self.registry
        )
        self.model_loaded = Gauge("mlapi_model_loaded", "1 once the model is loaded.", registry=self.registry)


class Service:
    """State the routes share: the model, readiness and the secret's digest."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.metrics = Metrics()
        self.model: Any = None
        self.load_failed = False
        self.shutting_down = False
        # Only the digest is kept, so no code path can leak the value itself.
        self.secret_sha256: str | None = None

    @property
    def status(self) -> str:
        if self.shutting_down:
            return "shutting-down"
        if self.load_failed:
            return "model-load-failed"
        if self.model is None:
            return "loading"
        if "fail-ready" in self.settings.switches:
            return "failing (fail-ready test switch)"
        return "ready"

    def begin_shutdown(self) -> None:
        if not self.shutting_down:
            self.shutting_down = True
            log.info("shutdown started: /ready answers 503 from now on")

    def read_secret(self) -> None:
        path = self.settings.secret_file
        if path is None:
            log.info("SECRET_FILE is not set; running without a secret")
            return
        try:
            content = path.read_bytes()
        except OSError as exc:
            log.warning("secret file %s could not be read (%s); running without it", path, exc.strerror or exc)
            return
        self.secret_sha256 = hashlib.sha256(content).hexdigest()
        log.info("secret file %s read", path)

    def write_cache_marker(self) -> None:
        marker = self.settings.cache_dir / "mlapi-reference" / "last-start.json"
        started = {"pid": os.getpid(), "started_at": datetime.now(UTC).isoformat()}
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text(json.dumps(started) + "\n")
        except OSError as exc:
            log.error("cache directory %s is not writable: %s", self.settings.cache_dir, exc)
            return
        log.info("cache directory is writable: wrote %s", marker)

    async def load_model(self) -> None:
        started = time.monotonic()
        if self.settings.model_load_delay_seconds:
            log.info(
                "delaying the model load by %s s (MODEL_LOAD_DELAY_SECONDS)", self.settings.model_load_delay_seconds
            )
            await asyncio.sleep(self.settings.model_load_delay_seconds)
        path = self.settings.model_path
        try:
            model = await asyncio.to_thread(joblib.load, path)
        except Exception:  # unpickling can raise nearly anything; the pod must stay alive and unready
            self.load_failed = True
            log.exception("loading the model from %s failed; /ready stays 503", path)
            return
        await asyncio.to_thread(self.cache_model_digest)
        self.model = model
        self.metrics.model_loaded.set(1)
        log.info("model loaded in %.2f s from %s", time.monotonic() - started, path)

    def cache_model_digest(self) -> None:
        """Writes under HF_HOME at model load, where a Hugging Face model keeps its download."""
        cached = self.settings.hf_home / "mlapi-reference" / "model.sha256"
        try:
            digest = hashlib.sha256(self.settings.model_path.read_bytes()).hexdigest()
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_text(digest + "\n")
        except OSError as exc:
            log.error("model cache %s is not writable: %s", self.settings.hf_home, exc)
            return
        log.info("model cache written: %s", cached)


class MetricsMiddleware:
    """Counts and times every request, including ones that fail or match no route."""

    def __init__(self, app: ASGIApp, metrics: Metrics, paths: frozenset[str]) -> None:
        self.app, self.metrics, self.paths = app, metrics, paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Unknown paths and methods share one label value, so clients cannot grow the series count.
        path = scope["path"] if scope["path"] in self.paths else "other"
        method = scope["method"] if scope["method"] in HTTP_METHODS else "other"
        status = 500

        async def send_and_record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_and_record_status)
        finally:
            self.metrics.requests.labels(path, method, str(status)).inc()
            self.metrics.latency.labels(path).observe(time.perf_counter() - started)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _texts(payload: Any) -> tuple[list[str], bool]:
    """The texts to classify and whether the request was a batch; ValueError explains a bad body."""
    if not isinstance(payload, dict) or len(payload) != 1 or not payload.keys() <= {"text", "texts"}:
        raise ValueError('expected {"text": "..."} or {"texts": ["...", ...]}')
    batch = "texts" in payload
    texts = payload["texts"] if batch else [payload["text"]]
    if not isinstance(texts, list) or not 1 <= len(texts) <= MAX_BATCH:
        raise ValueError(f'"texts" must be a list of 1 to {MAX_BATCH} strings')
    if not all(isinstance(text, str) and text.strip() for text in texts):
        raise ValueError("every text must be a non-empty string")
    return texts, batch


async def _body(request: Request) -> bytes | None:
    """The request body, or None when it is larger than MAX_BODY_BYTES (read no further)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            return None
    return bytes(body)


def _unavailable(service: Service, path: str) -> Response | None:
    """The answer when no prediction can be made: the fail-predict switch, or no model yet."""
    if "fail-predict" in service.settings.switches:
        log.error("answering 500 on %s (fail-predict test switch)", path)
        return _error(500, "prediction failed (fail-predict test switch)")
    if service.model is None:
        return _error(503, "the model is not loaded yet")
    return None


async def _classify(service: Service, texts: list[str]) -> list[dict[str, Any]]:
    model = service.model
    # Inference is CPU-bound; a worker thread keeps the event loop answering probes meanwhile.
    probabilities = await run_in_threadpool(model.predict_proba, texts)
    return [{"label": str(model.classes_[row.argmax()]), "score": float(row.max())} for row in probabilities]


async def predict(request: Request) -> Response:
    service: Service = request.app.state.service
    unavailable = _unavailable(service, "/predict")
    if unavailable is not None:
        return unavailable
    body = await _body(request)
    if body is None:
        return _error(413, f"the body must be at most {MAX_BODY_BYTES} bytes")
    try:
        payload = json.loads(body)
    except ValueError:
        return _error(400, "the body must be JSON")
    try:
        texts, batch = _texts(payload)
    except ValueError as exc:
        return _error(422, str(exc))
    if "slow-predict" in service.settings.switches:
        log.info("delaying /predict by %s s (slow-predict test switch)", SLOW_PREDICT_SECONDS)
        await asyncio.sleep(SLOW_PREDICT_SECONDS)
    if "busy-predict" in service.settings.switches and request.query_params.get("busy") == "1":
        # Blocks the event loop, as inference that holds the interpreter does: no probe is answered meanwhile.
        log.info("holding the process for %s s in /predict (busy-predict test switch)", BUSY_PREDICT_SECONDS)
        time.sleep(BUSY_PREDICT_SECONDS)
    predictions = await _classify(service, texts)
    return JSONResponse({"predictions": predictions} if batch else predictions[0])


async def selftest(request: Request) -> Response:
    """One prediction of a known text, end to end: what a post-deploy connection test asks for."""
    service: Service = request.app.state.service
    unavailable = _unavailable(service, "/selftest")
    if unavailable is not None:
        return unavailable
    [prediction] = await _classify(service, [SELFTEST_TEXT])
    if prediction["label"] != "positive":
        return _error(500, f"the model called a positive text {prediction['label']}")
    return JSONResponse(prediction)


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def ready(request: Request) -> Response:
    status = request.app.state.service.status
    return JSONResponse({"status": status}, status_code=200 if status == "ready" else 503)


async def metrics(request: Request) -> Response:
    return Response(generate_latest(request.app.state.service.metrics.registry), media_type=CONTENT_TYPE_PLAIN_0_0_4)


async def secret_sha256(request: Request) -> Response:
    digest = request.app.state.service.secret_sha256
    if digest is None:
        return _error(404, "no secret file was read")
    return JSONResponse({"sha256": digest})


def create_app(settings: Settings) -> Starlette:
    service = Service(settings)
    routes = [
        Route("/predict", predict, methods=["POST"]),
        Route("/selftest", selftest, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/ready", ready, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
    ]
    if "reveal-secret-hash" in settings.switches:
        routes.append(Route("/debug/secret-sha256", secret_sha256, methods=["GET"]))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        service.read_secret()
        service.write_cache_marker()
        # In the background, so /healthz answers while a large model loads.
        loading = asyncio.create_task(service.load_model())
        try:
            yield
        finally:
            service.begin_shutdown()
            loading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await loading

    paths = frozenset(route.path for route in routes)
    app = Starlette(
        routes=routes,
        middleware=[Middleware(MetricsMiddleware, metrics=service.metrics, paths=paths)],
        lifespan=lifespan,
    )
    app.state.service = service
    return app
