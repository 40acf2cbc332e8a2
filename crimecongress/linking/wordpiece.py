"""The tokenizer of all-MiniLM-L6-v2 -- BERT's uncased WordPiece -- in plain Python, so that the default install
needs neither the `tokenizers` library nor the Hugging Face hub client it brings (some 35 MB).

It does what the model's tokenizer.json asks of `tokenizers`, step by step: special tokens are matched in the raw
text; the BERT normaliser drops control characters, turns white space into spaces, sets CJK ideographs apart,
strips accents (NFD, then no non-spacing marks) and lowercases; the BERT pre-tokeniser splits at white space and
sets each punctuation character apart; WordPiece takes the longest piece in the vocabulary from the start of each
word, then "##" pieces, and a word it cannot cover (or longer than 100 characters) is [UNK]; [CLS] and [SEP]
frame the result, and a text is cut to `max_tokens` in all. tests/test_lineage.py checks the ids against
`tokenizers` on every unit of the corpus. They differ only on some 500 rare code points whose Unicode category is
newer than the tables in `tokenizers` (none in the corpus).

The vocabulary, all-MiniLM-L6-v2-vocab.txt beside this file (one word piece a line, its id the line number), is
the model's vocab.txt unchanged (sentence-transformers/all-MiniLM-L6-v2, Apache-2.0; sha256 in `VOCAB_SHA256`).
"""
from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

VOCAB = Path(__file__).resolve().with_name("all-MiniLM-L6-v2-vocab.txt")
VOCAB_SHA256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"
UNKNOWN, FIRST, LAST = "[UNK]", "[CLS]", "[SEP]"
SPECIAL = ("[PAD]", UNKNOWN, FIRST, LAST, "[MASK]")
MAX_WORD = 100   # the model's max_input_chars_per_word
_SPECIAL = re.compile("(" + "|".join(re.escape(token) for token in SPECIAL) + ")")
# the CJK blocks as `tokenizers` lists them (0x2B920, not 0x2B820, as in its source)
_CJK = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F), (0x2B740, 0x2B81F),
        (0x2B920, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))
_CONTROL = {"Cc", "Cf", "Co"}   # not Cn: `tokenizers` keeps an unassigned code point (and makes it [UNK])


def normalise(text: str) -> str:
    """The BERT normaliser of the model (clean text, CJK apart, no accents, lower case)."""
    kept = []
    for char in text:
        if char in "\0\ufffd" or (char not in "\t\n\r" and unicodedata.category(char) in _CONTROL):
            continue
        code = ord(char)
        if char.isspace():
            kept.append(" ")
        elif any(low <= code <= high for low, high in _CJK):
            kept.append(f" {char} ")
        else:
            kept.append(char)
    decomposed = unicodedata.normalize("NFD", "".join(kept))
    # lower case one character at a time, as `tokenizers` does: no final sigma
    return "".join(c.lower() for c in decomposed if unicodedata.category(c) != "Mn")


def _punctuation(char: str) -> bool:
    return char in string.punctuation or unicodedata.category(char).startswith("P")


def words(text: str) -> list[str]:
    """The BERT pre-tokeniser: split at white space, each punctuation character a word of its own."""
    out = []
    for chunk in text.split():
        word = ""
        for char in chunk:
            if _punctuation(char):
                out += [word, char] if word else [char]
                word = ""
            else:
                word += char
        if word:
            out.append(word)
    return out


@dataclass(frozen=True)
class WordPiece:
    """The model's vocabulary (word piece -> id) and the tokenizer over it."""

    vocab: Mapping[str, int]
    max_tokens: int

    @classmethod
    def load(cls, path: Path, max_tokens: int) -> "WordPiece":
        pieces = path.read_text(encoding="utf-8").split("\n")
        if pieces and not pieces[-1]:
            pieces.pop()
        return cls({piece: i for i, piece in enumerate(pieces)}, max_tokens)

    def pieces(self, word: str) -> list[int]:
        """One word's ids: the longest known piece first, then "##" pieces; [UNK] if a part has none."""
        if len(word) > MAX_WORD:
            return [self.vocab[UNKNOWN]]
        ids, start = [], 0
        while start < len(word):
            for end in range(len(word), start, -1):
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    ids.append(self.vocab[piece])
                    start = end
                    break
            else:
                return [self.vocab[UNKNOWN]]
        return ids

    def ids(self, text: str) -> list[int]:
        """[CLS], the text's word pieces (cut to `max_tokens` in all), [SEP]."""
        ids = []
        for part in _SPECIAL.split(text):
            if part in SPECIAL:
                ids.append(self.vocab[part])
            elif part:
                for word in words(normalise(part)):
                    ids += self.pieces(word)
        return [self.vocab[FIRST], *ids[:self.max_tokens - 2], self.vocab[LAST]]
