from __future__ import annotations

import json
from pathlib import Path

import joblib
import numpy as np
import pytest
from support import DATA

from mlapi_reference import train


def test_metadata_describes_the_model(model_dir: Path) -> None:
    metadata = json.loads((model_dir / "model.json").read_text())
    assert metadata["classes"] == ["negative", "positive"]
    assert metadata["training_rows"] == len(DATA.read_text().splitlines()) - 1
    assert 0.75 <= metadata["cv_accuracy"] <= 1.0
    assert sorted(p.name for p in model_dir.iterdir()) == ["model.joblib", "model.json"]


def test_retraining_gives_the_same_model(model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert train.main(["--data", str(DATA), "--out", str(tmp_path)]) == 0
    assert "cross-validated accuracy 0." in capsys.readouterr().out
    assert (tmp_path / "model.json").read_text() == (model_dir / "model.json").read_text()
    # The pickles differ in an object id scikit-learn stores, so compare what the models compute.
    texts = DATA.read_text().splitlines()[1:]
    first, second = joblib.load(model_dir / "model.joblib"), joblib.load(tmp_path / "model.joblib")
    np.testing.assert_array_equal(first.predict_proba(texts), second.predict_proba(texts))


def test_rejects_rows_with_unknown_labels(tmp_path: Path) -> None:
    data = tmp_path / "bad.csv"
    data.write_text("text,label\ngreat,positive\nso-so,neutral\n")
    with pytest.raises(ValueError, match=r"bad\.csv:3: .*label"):
        train.main(["--data", str(data), "--out", str(tmp_path / "out")])
    assert not (tmp_path / "out").exists()
