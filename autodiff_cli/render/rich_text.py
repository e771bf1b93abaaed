"""Rich tables and panels for a terminal; the same content as plain text, laid out for reading."""

from __future__ import annotations

import io

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..explain import Explanation
from . import RenderOptions
from .view import (
    TableView,
    chain_rule_lines,
    gradient_line,
    partials_table,
    summary_lines,
    values_table,
    warning_lines,
)

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
    digits = options.digits
    console.print(Text("\n".join(summary_lines(ex, digits)), style="bold"))
    console.print()
    for view in (values_table(ex, digits), partials_table(ex, digits)):
        console.print(Text(view.title, style="bold underline"))
        console.print(_table(view))
    for chain in ex.chains:
        lines = chain_rule_lines(ex, chain, digits)
        body = Group(*(Text(line) for line in lines[1:]))
        console.print(
            Panel(
                body,
                title=Text(lines[0], style="bold"),
                title_align="left",
                box=box.ROUNDED,
                expand=False,
            )
        )
    console.print(Text(gradient_line(ex, digits), style="bold green"))
    for line in warning_lines(ex):
        console.print(Text(line, style="yellow"))
    output = console.file
    assert isinstance(output, io.StringIO)
    # Rich pads every line to the table's width; the padding carries nothing.
    return "\n".join(line.rstrip() for line in output.getvalue().split("\n"))


def _table(view: TableView) -> Table:
    table = Table(
        box=box.SIMPLE_HEAD,
        caption="\n".join(view.notes) or None,
        caption_justify="left",
        caption_style="yellow",
    )
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
