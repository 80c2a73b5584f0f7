from __future__ import annotations

from pathlib import Path

import pytest
from support import DATA

from mlapi_reference import train


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("model")
    assert train.main(["--data", str(DATA), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="session")
def model_path(model_dir: Path) -> Path:
    return model_dir / "model.joblib"
