"""The cyclic garbage collector, kept out of the way of work that makes millions of objects that live on."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused() -> Iterator[None]:
    """The collector off while the block makes objects that outlive it (a corpus with its tags and links, indexes
    read back from a pickle): each full collection would walk them again as they grow, to free next to nothing.
    Parse and tag at 10x the sources: 6.9 s against 8.4 s, with 5 % more memory at the peak. Turned back on as it
    was found, so that one such block may run inside another."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@contextmanager
def long_lived_frozen() -> Iterator[None]:
    """Leave the objects alive now (the corpus, its tags and links: millions, kept to the end) out of the
    cyclic collector's scans while the graphs are written, validated and merged: the collector then costs
    little, and still frees what the writing leaves in cycles. Measured by benchmarks/scale.py (when the
    graphs were rdflib's): with the collector scanning everything these steps were several times slower."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
