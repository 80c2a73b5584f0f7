"""The real process, `python -m mlapi_reference`, on a free loopback port."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from support import POSITIVE, ROOT, wait_until

from mlapi_reference.server import BUSY_PREDICT_SECONDS

# Straight to loopback, whatever proxy the environment configures.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Server:
    """A running server process whose output is collected line by line as it arrives."""

    def __init__(self, env: dict[str, str]) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        # No HOME and no inherited settings, like a pod running as a UID without a passwd entry.
        env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "HOST": "127.0.0.1", "PORT": str(self.port), **env}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mlapi_reference"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self.readers = [
            threading.Thread(target=self.stdout.extend, args=(self.process.stdout,), daemon=True),
            threading.Thread(target=self.stderr.extend, args=(self.process.stderr,), daemon=True),
        ]
        for reader in self.readers:
            reader.start()

    def request(self, method: str, path: str, body: Any = None, timeout: float = 5) -> tuple[int | None, Any]:
        """Status and body (JSON decoded when it is JSON); (None, None) when nothing answers."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method)
        request.add_header("content-type", "application/json")
        try:
            with OPENER.open(request, timeout=timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
            error.close()
        except OSError:
            return None, None
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode(errors="replace")

    def refuses_connections(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
        except ConnectionRefusedError:
            return True
        return False

    def wait_ready(self) -> None:
        def ready() -> bool:
            if self.process.poll() is not None:
                pytest.fail(f"the server exited with {self.process.returncode}:\n{self.output()}")
            return self.request("GET", "/ready")[0] == 200

        wait_until(ready, 60, "/ready to answer 200")

    def wait_for_log(self, text: str, timeout: float) -> None:
        wait_until(lambda: any(text in line for line in self.stdout), timeout, f"a log line with {text!r}")

    def finish(self, timeout: float) -> int:
        returncode = self.process.wait(timeout=timeout)
        for reader in self.readers:
            reader.join(timeout=5)
        self.process.stdout.close()
        self.process.stderr.close()
        return returncode

    def output(self) -> str:
        return "".join(self.stdout) + "".join(self.stderr)


@contextmanager
def running(env: dict[str, str]) -> Iterator[Server]:
    server = Server(env)
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.process.kill()
            server.finish(timeout=10)


@dataclass
class Drained:
    """What a server did when it received SIGTERM with a slow request in flight."""

    secret: str
    secret_hash_response: tuple[int | None, Any]
    in_flight_response: tuple[int | None, Any]
    refused_while_in_flight: bool
    returncode: int
    stdout: list[str]
    stderr: list[str]
    cache_dir: Path


@pytest.fixture(scope="module")
def drained(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Drained:
    folder = tmp_path_factory.mktemp("process")
    secret = "mlapi-" + secrets.token_hex(16)
    (folder / "secret").write_text(secret)
    env = {
        "MODEL_PATH": str(model_path),
        "MODEL_CACHE_DIR": str(folder / "cache"),
        "HF_HOME": str(folder / "hf"),
        "SECRET_FILE": str(folder / "secret"),
        "MLAPI_TEST_SWITCHES": "slow-predict,reveal-secret-hash",
        "SHUTDOWN_TIMEOUT_SECONDS": "10",
        "LOG_LEVEL": "debug",
    }
    with running(env) as server:
        server.wait_ready()
        secret_hash_response = server.request("GET", "/debug/secret-sha256")
        in_flight: dict[str, tuple[int | None, Any]] = {}
        client = threading.Thread(
            target=lambda: in_flight.update(response=server.request("POST", "/predict", {"text": POSITIVE}, timeout=20))
        )
        client.start()
        server.wait_for_log("slow-predict test switch", 10)
        server.process.send_signal(signal.SIGTERM)
        wait_until(server.refuses_connections, 5, "new connections to be refused")
        refused_while_in_flight = client.is_alive()
        client.join(timeout=20)
        returncode = server.finish(timeout=20)
    return Drained(
        secret=secret,
        secret_hash_response=secret_hash_response,
        in_flight_response=in_flight.get("response", (None, None)),
        refused_while_in_flight=refused_while_in_flight,
        returncode=returncode,
        stdout=server.stdout,
        stderr=server.stderr,
        cache_dir=folder / "cache",
    )


def test_sigterm_finishes_the_in_flight_request_refuses_new_ones_and_exits_0(drained: Drained) -> None:
    status, body = drained.in_flight_response
    assert status == 200 and body["label"] == "positive"
    assert drained.refused_while_in_flight
    assert drained.returncode == 0


def test_readiness_flips_before_the_drain(drained: Drained) -> None:
    messages = [json.loads(line)["message"] for line in drained.stdout]

    def position(text: str) -> int:
        found = [i for i, message in enumerate(messages) if text in message]
        assert found, f"no log message contains {text!r}"
        return found[0]

    assert (
        position("shutdown started")
        < position("Shutting down")
        < position('"POST /predict HTTP/1.1" 200')
        < position("Finished server process")
    )


def test_the_secret_reaches_the_process_but_never_its_output(drained: Drained) -> None:
    assert drained.secret_hash_response == (200, {"sha256": hashlib.sha256(drained.secret.encode()).hexdigest()})
    assert any("secret file" in line and " read" in line for line in drained.stdout)
    assert drained.secret not in "".join(drained.stdout + drained.stderr)


def test_logs_are_json_lines_on_stdout(drained: Drained) -> None:
    entries = [json.loads(line) for line in drained.stdout]
    assert all(entry["level"] and entry["message"] for entry in entries)
    assert any(entry["message"].startswith("model loaded in ") for entry in entries)
    assert any(entry["logger"] == "uvicorn.access" for entry in entries)
    assert drained.stderr == []
    assert (drained.cache_dir / "mlapi-reference" / "last-start.json").is_file()
    assert (drained.cache_dir.parent / "hf" / "mlapi-reference" / "model.sha256").is_file()


def test_an_unknown_switch_stops_the_start(tmp_path: Path) -> None:
    with running({"MLAPI_TEST_SWITCHES": "fail-ready,no-such-switch", "MODEL_CACHE_DIR": str(tmp_path)}) as server:
        returncode = server.finish(timeout=30)
    assert returncode == 2
    assert "unknown switch(es) no-such-switch" in "".join(server.stdout)
    assert not (tmp_path / "mlapi-reference").exists()


def test_a_busy_predict_leaves_the_probes_unanswered_until_it_ends(model_path: Path, tmp_path: Path) -> None:
    env = {"MODEL_PATH": str(model_path), "MODEL_CACHE_DIR": str(tmp_path), "MLAPI_TEST_SWITCHES": "busy-predict"}
    with running(env) as server:
        server.wait_ready()
        answers: dict[str, tuple[int | None, Any]] = {}
        client = threading.Thread(
            target=lambda: answers.update(predict=server.request("POST", "/predict?busy=1", {"text": POSITIVE}, timeout=30))
        )
        assert server.request("POST", "/predict", {"text": POSITIVE}, timeout=2)[0] == 200, "only a request that asks holds it"
        client.start()
        server.wait_for_log("busy-predict test switch", 10)
        assert server.request("GET", "/ready", timeout=1) == (None, None), "readiness is not answered while busy"
        assert server.request("GET", "/healthz", timeout=1) == (None, None), "nor is liveness"
        client.join(timeout=BUSY_PREDICT_SECONDS + 20)
        status, body = answers["predict"]
        assert status == 200 and body["label"] == "positive"
        assert server.request("GET", "/ready")[0] == 200, "it answers again once the request is done"
        assert server.request("GET", "/healthz")[0] == 200
