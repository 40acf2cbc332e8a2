"""User-facing errors and the exit codes the CLI documents.

A user's mistake is raised as one of these and printed as one line: file, line, what is wrong, how to fix it.
"""
from __future__ import annotations

EXIT_OK = 0          # success / conforms
EXIT_INVALID = 1     # the input was read but is invalid (does not conform, numbering gap, ...)
EXIT_ERROR = 2       # could not run: unreadable file, unparseable RDF, missing tool


class CrimeCongressError(Exception):
    """An error a user can act on. `exit_code` is EXIT_INVALID or EXIT_ERROR."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 column: int | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.hint = hint

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        text = where + self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class InputError(CrimeCongressError):
    """The input could not be read at all (missing, empty, binary, not UTF-8, unparseable RDF)."""

    exit_code = EXIT_ERROR


class InvalidDocument(CrimeCongressError):
    """The input was read but breaks a rule (numbering gap, footnote marker without footnote...)."""

    exit_code = EXIT_INVALID
