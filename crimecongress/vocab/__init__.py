"""The vocabulary read from mappings/: the theme taxonomy and the authority lists (instruments, actors, Congresses
and other meetings).

    vocab = load_vocabulary()            # mappings/ of the repository
    vocab.theme("corruption").label.fr   # "Corruption"
    vocab.by_treaty_series("2225", "39574").slug   # "untoc"

Each file is validated by its JSON Schema (mappings/schema/) and cross-checked; a mistake is an InvalidDocument
naming the file, line and entry.
"""
from __future__ import annotations

from .load import MAPPINGS_DIR, load_vocabulary
from .model import (Actor, IccsCode, Instrument, Labels, Meeting, Publication, Resolution, Theme, ThemeScheme,
                    TreatySeries, Vocabulary)

__all__ = ["MAPPINGS_DIR", "Actor", "IccsCode", "Instrument", "Labels", "Meeting", "Publication", "Resolution", "Theme",
           "ThemeScheme", "TreatySeries", "Vocabulary", "load_vocabulary"]
