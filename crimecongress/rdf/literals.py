"""Literal forms written the same way everywhere: xsd:decimal in its canonical form."""
from __future__ import annotations

from decimal import Decimal

from rdflib import Literal

from .namespaces import XSD


def decimal_lexical(value: Decimal | float | str) -> str:
    """The canonical lexical form of an xsd:decimal (XSD 1.1): no trailing zeros, no point for a whole
    number ("0.90" is written "0.9", "1.00" is "1"), which is what stores give back."""
    return format(Decimal(str(value)).normalize(), "f")


def decimal(value: Decimal | float | str) -> Literal:
    return Literal(decimal_lexical(value), datatype=XSD.decimal)
