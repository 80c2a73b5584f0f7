"""Train the sentiment model: `python3 -m mlapi_reference.train --data data/sentiment.csv --out DIR`.

Writes DIR/model.joblib (a scikit-learn pipeline) and DIR/model.json (its metadata).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import joblib
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline

SEED = 0
FOLDS = 5
LABELS = frozenset({"positive", "negative"})


def read_data(path: Path) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    with path.open(newline="", encoding="utf-8") as file:
        for line, row in enumerate(csv.DictReader(file), start=2):
            if row.get("label") not in LABELS or not (row.get("text") or "").strip():
                raise ValueError(f"{path}:{line}: expected a non-empty text and a label in {sorted(LABELS)}")
            texts.append(row["text"])
            labels.append(row["label"])
    if not texts:
        raise ValueError(f"{path}: no rows")
    return texts, labels


def build_pipeline() -> Pipeline:
    return Pipeline(
        [
            # Character n-grams carry over between word forms (love, loved, lovely), which
            # matters with a few hundred rows; cross-validation put them well above word n-grams.
            ("tfidf", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
            ("classifier", LogisticRegression(C=10.0, max_iter=1000, random_state=SEED)),
        ]
    )


def _write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file in the same folder, so readers never see a partial file.

    Not mkstemp: its 0600 mode would make the model unreadable to the image's non-root user.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def train(data: Path, out: Path) -> dict:
    texts, labels = read_data(data)
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    accuracy = float(cross_val_score(build_pipeline(), texts, labels, cv=folds, scoring="accuracy").mean())
    model = build_pipeline().fit(texts, labels)
    metadata = {
        "classes": [str(label) for label in model.classes_],
        "training_rows": len(texts),
        "cv_folds": FOLDS,
        "cv_accuracy": round(accuracy, 4),
        "data_sha256": hashlib.sha256(data.read_bytes()).hexdigest(),
        "scikit_learn_version": sklearn.__version__,
    }
    out.mkdir(parents=True, exist_ok=True)
    _write_atomically(out / "model.joblib", lambda tmp: joblib.dump(model, tmp))
    _write_atomically(out / "model.json", lambda tmp: tmp.write_text(json.dumps(metadata, indent=2) + "\n"))
    return metadata


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m mlapi_reference.train", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="CSV with columns text,label")
    parser.add_argument("--out", type=Path, required=True, help="folder for model.joblib and model.json")
    args = parser.parse_args(argv)
    metadata = train(args.data, args.out)
    print(
        f"trained on {metadata['training_rows']} rows; {FOLDS}-fold cross-validated accuracy "
        f"{metadata['cv_accuracy']:.4f}; wrote {args.out / 'model.joblib'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
