"""Plain text: aligned columns, no colour, no box drawing; for pipes, files and NO_COLOR."""

from __future__ import annotations

import itertools
import re
import unicodedata

from ...explain import Explanation
from .. import RenderOptions
from ..view import SummaryLines, TableView, layout

SUFFIX = "txt"
"""How the golden files of this format are named."""


def render(ex: Explanation, options: RenderOptions) -> str:
    blocks = []
    for block in layout(ex, options.sections, options.digits):
        if isinstance(block, TableView):
            blocks.append(table_lines(block))
        elif block.boxed:
            title, *body = block.lines
            blocks.append(["Chain rule", title, *body])
        elif isinstance(block, SummaryLines):
            # A 4-8-1 network's point is 600 characters: wrapped as rich wraps it.
            width = options.width or WRAP_WIDTH
            blocks.append([part for line in block.lines for part in hang(line, width)])
        else:
            blocks.append(list(block.lines))
    return "\n\n".join("\n".join(lines) for lines in blocks) + "\n"


MAX_PADDED_WIDTH = 80
"""Columns are padded to their widest cell up to this width; a wider cell (the sum over
10 000 uses of x in one adjoint formula) sticks out of its own row instead. Without it,
every row of that table would be padded to the one long cell: output quadratic in the
size of the expression (a 70 000-character sum printed 370 MB)."""


def table_lines(table: TableView) -> list[str]:
    columns = list(zip(table.headers, *table.rows, strict=True))
    widths = [min(MAX_PADDED_WIDTH, max(map(display_width, column))) for column in columns]

    def line(cells: tuple[str, ...]) -> str:
        padded = []
        for cell, width, numeric in zip(cells, widths, table.numeric, strict=True):
            padding = " " * max(0, width - display_width(cell))
            padded.append(padding + cell if numeric else cell + padding)
        return ("  " + "  ".join(padded)).rstrip()

    rule = tuple("-" * width for width in widths)
    return [table.title, line(table.headers), line(rule), *map(line, table.rows), *table.notes]


def display_width(text: str) -> int:
    """Columns on a terminal: a combining mark (the bar of w̄, the dot of ẇ) takes none."""
    return sum(0 if unicodedata.combining(char) else 1 for char in text)


WRAP_WIDTH = 100
"""Columns the summary is wrapped to when no width is given (as rich's default)."""

SUMMARY_INDENT = len("Point:      ")
_BREAKS = re.compile(r"(?<=, )|(?= · )|(?= → )|(?= \+ )")
"""Where a long line may break: after a comma, before a product's, a route's or a sum's
operator; never inside ``w22 = 0.2``."""


def hang(line: str, width: int, extra: int = SUMMARY_INDENT) -> list[str]:
    """``line`` broken to ``width`` columns at its natural breaks, each continuation
    indented ``extra`` past the line's own indent: at 80 columns a chain-rule product stays
    inside its column instead of wrapping to column 1."""
    if display_width(line) <= width:
        return [line]
    indent = " " * (len(line) - len(line.lstrip(" ")) + extra)
    lines: list[str] = []
    current = ""
    for piece in _pieces(line, width - len(indent)):
        if current.strip() and display_width(current) + display_width(piece) > width:
            lines.append(current.rstrip())
            current = indent + piece.lstrip()
        else:
            current += piece
    lines.append(current.rstrip())
    return lines


def _pieces(line: str, width: int) -> list[str]:
    """``line`` cut at its natural breaks, but not inside a vector's brackets (``[-0.38,
    -0.38]`` stays whole) unless that vector alone is wider than ``width``; a piece still
    wider than ``width`` is cut before its words too."""
    inside = bytearray(len(line) + 1)  # 1 where a break would split a vector that fits
    depth, start = 0, 0
    for i, char in enumerate(line):
        if char == "[":
            depth, start = depth + 1, i if depth == 0 else start
        elif char == "]" and depth > 0:
            depth -= 1
            if depth == 0 and display_width(line[start : i + 1]) <= width:
                inside[start + 1 : i + 1] = b"\x01" * (i - start)
    pieces = []
    for begin, end in _spans(line, _BREAKS, inside, 0, len(line)):
        if display_width(line[begin:end]) > width:
            pieces += [line[a:b] for a, b in _spans(line, _WORDS, inside, begin, end)]
        else:
            pieces.append(line[begin:end])
    return pieces


_WORDS = re.compile(r"(?<= )(?! )")
"""Where a piece too wide for the line may break besides: before any word."""


def _spans(
    line: str, breaks: re.Pattern[str], inside: bytearray, begin: int, end: int
) -> list[tuple[int, int]]:
    """``line[begin:end]`` cut where ``breaks`` match, outside the vectors marked ``inside``."""
    cuts = [begin]
    cuts += [m.start() for m in breaks.finditer(line, begin, end) if m.start() > begin]
    cuts = [cut for cut in cuts if cut == begin or not inside[cut]] + [end]
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]
