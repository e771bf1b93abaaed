"""Plain text: aligned columns, no colour, no box drawing; for pipes, files and NO_COLOR."""

from __future__ import annotations

import unicodedata

from ...explain import Explanation
from .. import RenderOptions
from ..view import TableView, layout

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
