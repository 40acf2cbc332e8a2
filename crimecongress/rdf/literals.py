"""Literal forms written the same way everywhere, as pyoxigraph terms: English text, typed values (a date
as its ISO form, a number as its decimal digits) and xsd:decimal in its canonical form."""
from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox

from .namespaces import XSD


def decimal_lexical(value: Decimal | float | str) -> str:
    """The canonical lexical form of an xsd:decimal (XSD 1.1): no trailing zeros, no point for a whole
    number ("0.90" is written "0.9", "1.00" is "1"), which is what stores give back."""
    return format(Decimal(str(value)).normalize(), "f")


def decimal(value: Decimal | float | str) -> ox.Literal:
    return ox.Literal(decimal_lexical(value), datatype=XSD.decimal)


def en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def typed(value, datatype: ox.NamedNode) -> ox.Literal:
    """A value written as a literal of `datatype`: a date (datetime.date or its ISO text) as YYYY-MM-DD, a number
    as its digits."""
    return ox.Literal(str(value), datatype=datatype)
