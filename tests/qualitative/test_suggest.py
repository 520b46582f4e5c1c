"""Code suggestions: the bundled embedding model loads offline; TF-IDF stands in without it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.orm import Session

from civharm.qualitative import service as qual
from civharm.qualitative.suggest import TfidfEmbedder, split_passages, suggest
from civharm.qualitative.suggestions import suggest_for_project

EXAMPLES = {
    "Water and sanitation": ["The pumping station was hit and the taps ran dry for a week."],
    "Schools": ["Classes stopped after the shelling damaged the primary school."],
}
PASSAGES = [
    "Families queued for drinking water because the pipes were broken.",
    "Teachers said pupils were afraid to come back to the classroom.",
]


PROBE = """
import json
from civharm.qualitative.suggest import MiniLMEmbedder, load_embedder, model_cache, suggest
from tests.qualitative.test_suggest import EXAMPLES, PASSAGES
embedder = load_embedder("embeddings")
found = suggest(embedder, examples=EXAMPLES, descriptions={}, passages=PASSAGES, top=1)
dims = embedder.encode(["x"]).shape[1]
made = {p.name: p.stat().st_mtime_ns for p in model_cache().iterdir()}
again = MiniLMEmbedder()  # the exported model is reused, not made again
kept = {p.name: p.stat().st_mtime_ns for p in model_cache().iterdir()} == made
texts = PASSAGES + [t for ts in EXAMPLES.values() for t in ts]
agreement = float((again.encode(texts) * MiniLMEmbedder(runtime="torch").encode(texts)).sum(axis=1).min())
print(json.dumps({"name": embedder.name, "runtime": embedder.runtime, "dims": dims,
                  "codes": [s[0].code for s in found], "files": len(made), "kept": kept,
                  "agreement": agreement}))
"""


def test_the_bundled_model_loads_offline_and_suggests_the_code_a_person_would_choose(tmp_path: Path) -> None:
    # A fresh process with the hub switched off proves nothing is fetched at run time; the
    # int8 ONNX model is made from the bundled weights into an empty cache.
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "CIVHARM_MODEL_CACHE": str(tmp_path / "models"),
    }
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=600, cwd=root
    )
    assert result.returncode == 0, result.stderr[-2000:]
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    agreement = probe.pop("agreement")
    assert probe == {
        "name": "all-MiniLM-L6-v2",
        "runtime": "onnx",
        "dims": 384,
        "codes": ["Water and sanitation", "Schools"],
        "files": 1,
        "kept": True,
    }
    assert agreement > 0.9  # ONNX int8 and torch int8 place every passage in nearly the same direction


def test_tfidf_fallback_suggests_from_shared_words() -> None:
    passages = ["The school was damaged again.", "No water came from the station."]
    found = suggest(TfidfEmbedder(), examples=EXAMPLES, descriptions={}, passages=passages, top=1)
    assert [s[0].code for s in found] == ["Schools", "Water and sanitation"]


def test_suggestions_cover_only_uncoded_sentences(session: Session) -> None:
    project = qual.create_project(session, name="Suggest", actor="ana")
    text = " ".join([EXAMPLES["Schools"][0], *PASSAGES])
    qual.add_document(session, project=project, name="d", text=text, actor="ana")
    qual.create_code(session, project=project, name="Schools", actor="ana", description="Education harmed")
    qual.create_code(session, project=project, name="Water and sanitation", actor="ana")
    qual.code_quote(
        session, project=project, document="d", quote=EXAMPLES["Schools"][0], code="Schools", coder="ana"
    )
    run = suggest_for_project(session, project=project, method="tfidf", min_score=0.0)
    assert run.method == "tf-idf"
    # The coded sentence is not offered again; a sentence sharing no word with any code gets nothing.
    assert [p.text for p in run.passages] == [PASSAGES[0]]
    assert run.passages[0].suggestions[0].code == "Water and sanitation"


def test_split_passages_keeps_offsets() -> None:
    text = "Short. This sentence is long enough to matter.\nAnd this one is also long enough."
    spans = split_passages(text)
    assert [text[a:b] for a, b in spans] == [
        "This sentence is long enough to matter.",
        "And this one is also long enough.",
    ]
