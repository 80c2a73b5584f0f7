"""Shared by the tests (imported directly; pytest puts this folder on sys.path)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "sentiment.csv"
POSITIVE = "Absolutely wonderful, I love it and would happily recommend it."
NEGATIVE = "Terrible quality, it broke after a day. A complete waste of money."


def wait_until(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)
