"""The project's one error type, and the exit codes the command line maps it to.

Every problem a user can cause (a typo, a missing value, a point outside a
function's domain) is raised as an :class:`AdexplainError`. It carries the text
it is about and the span inside it, so the command line can print one clear
message with a caret under the offending part — never a traceback.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ExitCode(enum.IntEnum):
    OK = 0
    WRONG_ANSWER = 1
    BAD_INPUT = 2


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range ``[start, end)`` of character offsets into a source text."""

    start: int
    end: int

    def cover(self, other: Span) -> Span:
        return Span(min(self.start, other.start), max(self.end, other.end))


class AdexplainError(Exception):
    """A problem with the user's input, shown as one message (and a caret, where there is text).

    ``code`` is a stable, machine-readable name for the kind of problem
    (``syntax``, ``unknown-name``, ``domain``, ...).
    """

    def __init__(
        self,
        message: str,
        *,
        code: str,
        text: str | None = None,
        span: Span | None = None,
        origin: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.text = text
        self.span = span
        self.origin = origin

    def with_origin(self, origin: str) -> AdexplainError:
        """The same error, saying where its text came from (a file, an option)."""
        return AdexplainError(
            self.message, code=self.code, text=self.text, span=self.span, origin=origin
        )

    def location(self) -> tuple[int, int] | None:
        """1-based (line, column) of the span's start, or None when there is no text."""
        if self.text is None or self.span is None:
            return None
        before = self.text[: self.span.start]
        line = before.count("\n") + 1
        column = self.span.start - (before.rfind("\n") + 1) + 1
        return line, column

    def render(self) -> str:
        """The message as the command line prints it: one line, then the text and a caret."""
        lines = [f"adexplain: error: {self.message}"]
        where = self.location()
        if where is None or self.text is None or self.span is None:
            if self.origin:
                lines.append(f"  in {self.origin}")
            return "\n".join(lines)
        line_no, column = where
        origin = f"{self.origin}, " if self.origin else ""
        lines.append(f"  at {origin}line {line_no}, column {column}:")
        source_line = self.text.splitlines()[line_no - 1] if self.text.strip() else ""
        shown, offset = _clip(source_line, column - 1)
        # The caret covers the span, but never runs past the end of its line.
        width = max(1, min(self.span.end - self.span.start, len(source_line) - (column - 1)))
        width = min(width, len(shown) - offset) if len(shown) > offset else 1
        lines.append(f"    {shown}")
        lines.append("    " + " " * offset + "^" * width)
        return "\n".join(lines)


_CONTEXT = 60


def _clip(line: str, index: int) -> tuple[str, int]:
    """Cut a long line down to a window around ``index``; return it and the index inside it."""
    if len(line) <= 2 * _CONTEXT:
        return line, index
    start = max(0, index - _CONTEXT)
    end = min(len(line), index + _CONTEXT)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(line) else ""
    return prefix + line[start:end] + suffix, index - start + len(prefix)
