"""Vectorisers: turn statements into unit-length vectors. Pluggable by name.

- ``static`` (default): static embeddings distilled with model2vec from all-MiniLM-L6-v2,
  shipped in ``reviewkit/nlp/data/static-minilm-l6`` (128 dimensions, int8, ~4 MB). Needs only
  model2vec (numpy, tokenizers, safetensors) at run time: no torch, no GPU, no download.
- ``tfidf``: TF-IDF over lookup lemmas (uni- and bigrams). Works for any language; it is fitted on
  the first set it sees and its vocabulary is kept in the theme model so that later runs use
  the same space.
- ``sbert`` or ``sbert:<model name or path>``: a sentence-transformers model, for those who
  install the ``embeddings`` extra and have the model on disk (optional, heavier).
- ``auto``: ``static`` for languages written in Latin script, ``tfidf`` for Urdu, Arabic and
  Punjabi (the static vocabulary is English word pieces).

Every vectoriser has ``name``, ``version``, ``encode(texts) -> array`` (rows of length 1, or 0
for a text with no known words) and ``state()`` (JSON-able, or None when stateless).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .pipeline import language_code

DATA_DIR = Path(__file__).with_name("data")
STATIC_DIR = DATA_DIR / "static-minilm-l6"
NON_LATIN = {"ur", "ar", "pa", "fa", "he"}


class Vectoriser(Protocol):
    name: str
    version: str

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> Any: ...

    def state(self) -> dict | None: ...


def _unit_rows(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return x / norms


class StaticVectoriser:
    """model2vec static embeddings shipped with reviewkit."""

    name = "static-minilm-l6"

    def __init__(self, path: Path = STATIC_DIR):
        self.path = Path(path)
        self.version = _static_version(str(self.path))

    @property
    def model(self):
        return _load_static(str(self.path))

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None):
        texts = list(texts)
        out = np.zeros((len(texts), self.model.dim), dtype=np.float32)
        batch = 4096
        for i in range(0, len(texts), batch):
            chunk = texts[i : i + batch]
            out[i : i + len(chunk)] = self.model.encode(
                chunk, use_multiprocessing=False, normalize=False, max_length=256
            )
            if progress:
                progress(len(chunk))
        return _unit_rows(out)

    def state(self) -> dict | None:
        return None


@lru_cache(maxsize=4)
def _load_static(path: str):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from model2vec import StaticModel

    return StaticModel.from_pretrained(path, force_download=False)


@lru_cache(maxsize=4)
def _static_version(path: str) -> str:
    import hashlib

    digest = hashlib.sha256((Path(path) / "model.safetensors").read_bytes()).hexdigest()
    return f"1-{digest[:12]}"


class TfidfVectoriser:
    """TF-IDF over lookup lemmas; fitted once, then frozen in the theme model."""

    name = "tfidf"
    version = "1"

    def __init__(self, language: str = "en", state: dict | None = None, max_features: int = 3000):
        self.language = language_code(language)
        self.max_features = max_features
        self.vocabulary: dict[str, int] | None = None
        self.idf: np.ndarray | None = None
        if state:
            self.vocabulary = {t: i for i, t in enumerate(state["vocabulary"])}
            self.idf = np.asarray(state["idf"], dtype=np.float32)
            self.language = state.get("language", self.language)

    def _terms(self, texts: Sequence[str]) -> list[list[str]]:
        from .pipeline import stop_words, tokenise

        stops = stop_words(self.language)
        docs = []
        for tok in tokenise(list(texts), self.language):
            lem = [w for w in tok.lemmas if w not in stops and len(w) > 1]
            docs.append(lem + [f"{a} {b}" for a, b in zip(lem, lem[1:], strict=False)])
        return docs

    def fit(self, texts: Sequence[str]) -> TfidfVectoriser:
        from sklearn.feature_extraction.text import TfidfVectorizer

        docs = self._terms(texts)
        min_df = 2 if len(docs) >= 50 else 1
        tv = TfidfVectorizer(
            analyzer=lambda d: d, min_df=min_df, max_features=self.max_features, sublinear_tf=True
        )
        try:
            tv.fit(docs)
        except ValueError:  # no terms at all
            self.vocabulary, self.idf = {}, np.zeros(0, dtype=np.float32)
            return self
        terms = tv.get_feature_names_out()
        self.vocabulary = {t: i for i, t in enumerate(terms)}
        self.idf = tv.idf_.astype(np.float32)
        return self

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None):
        from scipy import sparse

        texts = list(texts)
        if self.vocabulary is None:
            self.fit(texts)
        docs = self._terms(texts)
        rows, cols, vals = [], [], []
        for r, doc in enumerate(docs):
            counts: dict[int, int] = {}
            for t in doc:
                j = self.vocabulary.get(t)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            for j, c in counts.items():
                rows.append(r)
                cols.append(j)
                vals.append((1.0 + np.log(c)) * self.idf[j])
        m = sparse.csr_matrix(
            (np.asarray(vals, dtype=np.float32), (rows, cols)),
            shape=(len(texts), max(1, len(self.vocabulary))),
        )
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        m = sparse.diags(1.0 / norms).astype(np.float32) @ m
        if progress:
            progress(len(texts))
        return m.tocsr()

    def state(self) -> dict | None:
        if self.vocabulary is None:
            return None
        terms = sorted(self.vocabulary, key=self.vocabulary.get)
        return {
            "language": self.language,
            "vocabulary": terms,
            "idf": [round(float(v), 4) for v in self.idf],
        }


class SentenceTransformerVectoriser:
    """A sentence-transformers model (``pip install reviewkit[embeddings]``); optional."""

    def __init__(self, model: str = "all-MiniLM-L6-v2"):
        try:
            import sentence_transformers
        except ImportError as exc:  # pragma: no cover - depends on the extra
            raise RuntimeError(
                "the 'sbert' vectoriser needs sentence-transformers: "
                "pip install 'reviewkit[embeddings]'"
            ) from exc
        self.model_name = model
        self.name = f"sbert:{model}"
        self.version = sentence_transformers.__version__
        self._model = sentence_transformers.SentenceTransformer(model, device="cpu")

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None):
        texts = list(texts)
        out = self._model.encode(texts, batch_size=64, normalize_embeddings=True)
        if progress:
            progress(len(texts))
        return _unit_rows(out)

    def state(self) -> dict | None:
        return None


def resolve_name(name: str | None, language: str = "en") -> str:
    name = (name or "auto").strip()
    if name == "auto":
        return "tfidf" if language_code(language) in NON_LATIN else StaticVectoriser.name
    if name in {"static", "model2vec"}:
        return StaticVectoriser.name
    return name


def get_vectoriser(name: str | None = "auto", language: str = "en", state: dict | None = None):
    """A vectoriser by name ("auto", "static", "tfidf", "sbert[:model]"), restored from state."""
    resolved = resolve_name(name, language)
    if resolved == StaticVectoriser.name:
        return StaticVectoriser()
    if resolved == "tfidf":
        return TfidfVectoriser(language, state=state)
    if resolved.startswith("sbert"):
        _, _, model = resolved.partition(":")
        return SentenceTransformerVectoriser(model or "all-MiniLM-L6-v2")
    raise ValueError(f"unknown vectoriser {name!r}: use auto, static, tfidf or sbert[:model]")
