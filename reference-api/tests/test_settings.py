from __future__ import annotations

from pathlib import Path

import pytest

from mlapi_reference.settings import Settings


def test_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.model_path == Path("/opt/model/model.joblib")
    assert (settings.host, settings.port) == ("0.0.0.0", 8080)
    assert settings.shutdown_timeout_seconds == 20
    assert settings.model_load_delay_seconds == 0
    assert settings.cache_dir == Path("/tmp")
    assert settings.secret_file is None
    assert settings.switches == frozenset()
    assert settings.log_level == "info"


def test_reads_the_environment() -> None:
    settings = Settings.from_env(
        {
            "MODEL_PATH": "/models/m.joblib",
            "MODEL_LOAD_DELAY_SECONDS": "2.5",
            "SECRET_FILE": "/var/run/secrets/api/token",
            "PORT": "9000",
            "SHUTDOWN_TIMEOUT_SECONDS": "5",
            "LOG_LEVEL": "DEBUG",
            "MLAPI_TEST_SWITCHES": " fail-ready, slow-predict ,",
        }
    )
    assert settings.model_path == Path("/models/m.joblib")
    assert settings.model_load_delay_seconds == 2.5
    assert settings.secret_file == Path("/var/run/secrets/api/token")
    assert (settings.port, settings.shutdown_timeout_seconds, settings.log_level) == (9000, 5, "debug")
    assert settings.switches == {"fail-ready", "slow-predict"}


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"MODEL_CACHE_DIR": "/cache", "XDG_CACHE_HOME": "/xdg"}, "/cache"),
        ({"XDG_CACHE_HOME": "/xdg"}, "/xdg"),
        ({}, "/tmp"),
    ],
)
def test_cache_dir_precedence(env: dict[str, str], expected: str) -> None:
    assert Settings.from_env(env).cache_dir == Path(expected)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"HF_HOME": "/models/hf", "XDG_CACHE_HOME": "/xdg", "HOME": "/home/api"}, "/models/hf"),
        ({"XDG_CACHE_HOME": "/xdg", "HOME": "/home/api"}, "/xdg/huggingface"),
        ({"HOME": "/home/api"}, "/home/api/.cache/huggingface"),
        # What a runtime gives a UID without a passwd entry: on a read-only root, not writable.
        ({"HOME": "/"}, "/.cache/huggingface"),
    ],
)
def test_hf_home_follows_hugging_face_rules(env: dict[str, str], expected: str) -> None:
    assert Settings.from_env(env).hf_home == Path(expected)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"MLAPI_TEST_SWITCHES": "fail-ready,no-such-switch"},
            "unknown switch(es) no-such-switch; known: busy-predict, fail-predict",
        ),
        ({"PORT": "http"}, "PORT: 'http' is not a valid int"),
        ({"PORT": "70000"}, "PORT: 70000 is not between"),
        ({"MODEL_LOAD_DELAY_SECONDS": "-1"}, "MODEL_LOAD_DELAY_SECONDS: '-1' must be"),
        ({"SHUTDOWN_TIMEOUT_SECONDS": "nan"}, "SHUTDOWN_TIMEOUT_SECONDS: 'nan' must be"),
        ({"LOG_LEVEL": "verbose"}, "LOG_LEVEL: 'verbose' is not one of"),
    ],
)
def test_rejects_unusable_values(env: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError) as raised:
        Settings.from_env(env)
    assert message in str(raised.value)
