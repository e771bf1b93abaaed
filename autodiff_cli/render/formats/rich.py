"""Rich tables and panels for a terminal; the same content as plain text, laid out for reading."""

from __future__ import annotations

import io
import re

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ...explain import Explanation
from .. import RenderOptions
from ..view import Lines, SummaryLines, TableView, layout
from .plain import display_width

SUFFIX = "rich.txt"
"""How the golden files of this format are named."""

DEFAULT_WIDTH = 100


def render(ex: Explanation, options: RenderOptions) -> str:
    console = Console(
        file=io.StringIO(),
        width=options.width or DEFAULT_WIDTH,
        force_terminal=options.color,
        color_system="standard" if options.color else None,
        no_color=not options.color,
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )
    _print(console, ex, options)
    output = console.file
    assert isinstance(output, io.StringIO)
    # Rich pads every line to the table's width; the padding carries nothing.
    return "\n".join(line.rstrip() for line in output.getvalue().split("\n"))


def export(ex: Explanation, options: RenderOptions, kind: str) -> str:
    """The rich output, in colour, as an SVG picture or an HTML page (for slides, handouts)."""
    console = Console(
        file=io.StringIO(),
        record=True,
        width=options.width or DEFAULT_WIDTH,
        force_terminal=True,
        color_system="truecolor",
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )
    _print(console, ex, options)
    title = f"adexplain: {' '.join(ex.expression.split())}"
    return console.export_svg(title=title) if kind == "svg" else console.export_html()


def _print(console: Console, ex: Explanation, options: RenderOptions) -> None:
    after_table = True  # nothing before the first block
    for block in layout(ex, options.sections, options.digits):
        if not after_table:
            console.print()  # a table ends in a blank line of its own
        if isinstance(block, TableView):
            console.print(Text(block.title, style="bold underline"))
            console.print(_table(block))
            for note in block.notes:
                console.print(Text(note, style="yellow"))
            after_table = not block.notes
        else:
            console.print(_lines(block, console.width))
            after_table = False


PANEL_MARGIN = 4
"""Columns a panel takes from its body: a border and a space on each side."""


def _lines(block: Lines, width: int) -> Text | Panel:
    if not block.boxed:
        # A summary continues under its values (after "Point:      "), other text under itself.
        extra = SUMMARY_INDENT if isinstance(block, SummaryLines) else 4
        wrapped = [part for line in block.lines for part in hang(line, width, extra)]
        return Text("\n".join(wrapped), style=block.style)
    title, *body = block.lines
    inside = width - PANEL_MARGIN
    return Panel(
        Group(*(Text(part) for line in body for part in hang(line, inside, 4))),
        title=Text(title, style="bold"),
        title_align="left",
        box=box.ROUNDED,
        expand=True,
    )


def _table(view: TableView) -> Table:
    table = Table(box=box.SIMPLE_HEAD)
    for header, numeric in zip(view.headers, view.numeric, strict=True):
        table.add_column(
            header,
            justify="right" if numeric else "left",
            style="bold" if numeric else None,
            overflow="fold",
        )
    for row in view.rows:
        table.add_row(*row)
    return table


SUMMARY_INDENT = len("Point:      ")
_BREAKS = re.compile(r"(?<=, )|(?= · )|(?= → )|(?= \+ )")
"""Where a long line may break: after a comma, before a product's, a route's or a sum's
operator; never inside ``w22 = 0.2``."""


def hang(line: str, width: int, extra: int) -> list[str]:
    """``line`` broken to ``width`` columns at its natural breaks, each continuation
    indented ``extra`` past the line's own indent: at 80 columns a chain-rule product stays
    inside its column instead of wrapping to column 1."""
    if display_width(line) <= width:
        return [line]
    indent = " " * (len(line) - len(line.lstrip(" ")) + extra)
    lines: list[str] = []
    current = ""
    for piece in _BREAKS.split(line):
        if current.strip() and display_width(current) + display_width(piece) > width:
            lines.append(current.rstrip())
            current = indent + piece.lstrip()
        else:
            current += piece
    lines.append(current.rstrip())
    return lines
