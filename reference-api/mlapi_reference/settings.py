"""Configuration from environment variables, validated once at start."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# Test-only behaviour, enabled through MLAPI_TEST_SWITCHES; never set in production stacks.
SWITCHES = frozenset({"reveal-secret-hash", "fail-predict", "fail-ready", "slow-predict", "busy-predict"})
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")


@dataclass(frozen=True)
class Settings:
    model_path: Path = Path("/opt/model/model.joblib")
    model_load_delay_seconds: float = 0.0
    secret_file: Path | None = None
    cache_dir: Path = Path("/tmp")
    # Where Hugging Face libraries keep downloaded weights; see hugging_face_home.
    hf_home: Path = Path("/tmp/huggingface")
    switches: frozenset[str] = frozenset()
    host: str = "0.0.0.0"
    port: int = 8080
    shutdown_timeout_seconds: float = 20.0
    log_level: str = "info"

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        """Raises ValueError naming the variable when a value is unusable."""
        switches = frozenset(s.strip() for s in env.get("MLAPI_TEST_SWITCHES", "").split(",") if s.strip())
        unknown = sorted(switches - SWITCHES)
        if unknown:
            raise ValueError(
                f"MLAPI_TEST_SWITCHES: unknown switch(es) {', '.join(unknown)}; known: {', '.join(sorted(SWITCHES))}"
            )
        log_level = env.get("LOG_LEVEL", "info").strip().lower()
        if log_level not in LOG_LEVELS:
            raise ValueError(f"LOG_LEVEL: {log_level!r} is not one of {', '.join(LOG_LEVELS)}")
        port = _number(env, "PORT", "8080", int)
        if not 1 <= port <= 65535:
            raise ValueError(f"PORT: {port} is not between 1 and 65535")
        secret_file = env.get("SECRET_FILE", "").strip()
        cache_dir = env.get("MODEL_CACHE_DIR", "").strip() or env.get("XDG_CACHE_HOME", "").strip() or "/tmp"
        return cls(
            model_path=Path(env.get("MODEL_PATH", "").strip() or cls.model_path),
            model_load_delay_seconds=_number(env, "MODEL_LOAD_DELAY_SECONDS", "0", float),
            secret_file=Path(secret_file) if secret_file else None,
            cache_dir=Path(cache_dir),
            hf_home=hugging_face_home(env),
            switches=switches,
            host=env.get("HOST", "").strip() or cls.host,
            port=port,
            shutdown_timeout_seconds=_number(env, "SHUTDOWN_TIMEOUT_SECONDS", "20", float),
            log_level=log_level,
        )


def hugging_face_home(env: Mapping[str, str]) -> Path:
    """huggingface_hub's rule: HF_HOME, else $XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface.

    No fallback to /tmp: a real ML library has none either, so a pod without a writable home or
    cache shows here as it would with a real model.
    """
    if env.get("HF_HOME", "").strip():
        return Path(env["HF_HOME"].strip())
    xdg = env.get("XDG_CACHE_HOME", "").strip()
    home = env.get("HOME", "").strip() or os.path.expanduser("~")
    return Path(xdg) / "huggingface" if xdg else Path(home) / ".cache" / "huggingface"


def _number(env: Mapping[str, str], name: str, default: str, kind: type[int] | type[float]) -> int | float:
    raw = env.get(name, "").strip() or default
    try:
        value = kind(raw)
    except ValueError:
        raise ValueError(f"{name}: {raw!r} is not a valid {kind.__name__}") from None
    if value < 0 or not math.isfinite(value):
        raise ValueError(f"{name}: {raw!r} must be a finite number >= 0")
    return value
