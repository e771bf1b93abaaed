"""The project's one error type, and the exit codes the command line maps it to.

Every problem a user can cause (a typo, a missing value, a point outside a
function's domain) is raised as an :class:`AdexplainError`. It carries the text
it is about and the span inside it, so the command line can print one clear
message with a caret under the offending part — never a traceback.
"""

from __future__ import annotations

import enum
import unicodedata
from typing import NamedTuple


class ExitCode(enum.IntEnum):
    OK = 0
    WRONG_ANSWER = 1
    BAD_INPUT = 2


class Span(NamedTuple):
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
        first_line: int = 1,
        in_python: str | None = None,
    ) -> None:
        super().__init__(message)
        self.in_python = in_python
        """The message as a caller of the Python API reads it (``str(err)``), where a hint
        names an option: ``as in --at y=1`` is ``as in at={'y': 1}`` there. None when the
        message reads the same on both."""
        self.message = message
        self.code = code
        self.text = text
        self.span = span
        self.origin = origin
        self.first_line = first_line
        """The line of the origin (a file) on which ``text`` begins."""

    def with_origin(self, origin: str, first_line: int = 1) -> AdexplainError:
        """The same error, saying where its text came from (a file, an option)."""
        return AdexplainError(
            self.message,
            code=self.code,
            text=self.text,
            span=self.span,
            origin=origin,
            first_line=first_line,
            in_python=self.in_python,
        )

    def __str__(self) -> str:
        return self.in_python or self.message

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
        # A message is one line: a file name with a newline in it must not break it.
        lines = [f"adexplain: error[{self.code}]: {visible(self.message)}"]
        where = self.location()
        if where is None or self.text is None or self.span is None:
            if self.origin:
                lines.append(f"  in {visible(self.origin)}")
            return "\n".join(lines)
        line_no, column = where
        origin = f" of {visible(self.origin)}" if self.origin else ""
        in_file = (
            f" (line {line_no + self.first_line - 1} of the file)" if self.first_line > 1 else ""
        )
        lines.append(f"  at line {line_no}, column {column}{origin}{in_file}:")
        all_lines = self.text.split("\n")
        source_line = all_lines[line_no - 1] if line_no <= len(all_lines) else ""
        start = column - 1
        # The caret covers the span, but never runs past the end of its line.
        end = min(self.span.end - self.span.start, len(source_line) - start) + start
        shown, caret = _caret_line(source_line, start, max(end, start + 1))
        lines.append(f"    {shown}")
        lines.append(f"    {caret}")
        return "\n".join(lines)


def clip(text: str, limit: int = 40) -> str:
    """Text short enough to echo in a message: a 100 000-letter name or a 5 000-digit number
    is cut in the middle, as the caret line cuts a long span (all of it is under the caret)."""
    if len(text) <= limit:
        return text
    return f"{text[: limit // 2]}…{text[-(limit // 2) :]}"


def visible(text: str) -> str:
    """Text safe on one line of a report: a newline or other control character in a file
    name (or a student's name) is shown as an escape, not obeyed."""
    return "".join(_printable(char) if char != "\t" else "\\t" for char in text)


_CONTEXT = 60


def _caret_line(line: str, start: int, end: int) -> tuple[str, str]:
    """The line as it is safe to print (clipped to a window around the span, tabs and
    control characters made visible) and a caret line that lines up under the span,
    counting wide characters (日本) as two columns. A span longer than the window is
    underlined from its start (a 5 000-digit number would otherwise fill the screen)."""
    end = min(end, start + 2 * _CONTEXT)
    if len(line) > 2 * _CONTEXT:
        left = max(0, start - _CONTEXT)
        right = min(len(line), max(end, start + 1) + _CONTEXT)
        prefix = "…" if left > 0 else ""
        suffix = "…" if right < len(line) else ""
        line = prefix + line[left:right] + suffix
        start, end = start - left + len(prefix), end - left + len(prefix)
    shown = [_printable(char) for char in line]
    before = sum(_columns(text) for text in shown[:start])
    under = sum(_columns(text) for text in shown[start:end])
    return "".join(shown), " " * before + "^" * max(1, under)


def _printable(char: str) -> str:
    if char == "\t":
        return " "
    if unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs") or char == "\x7f":
        return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
    return char


def _columns(text: str) -> int:
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def error_document(err: AdexplainError) -> str:
    """The error as a strict JSON object, for scripts that asked for --format json."""
    import json

    where = err.location()
    detail = {
        "code": err.code,
        "message": err.message,
        "line": where[0] + err.first_line - 1 if where else None,
        "column": where[1] if where else None,
        "origin": err.origin,
    }
    return json.dumps({"schema": "adexplain/1", "error": detail}, ensure_ascii=False) + "\n"
