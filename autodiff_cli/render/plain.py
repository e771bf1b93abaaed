"""Plain text: aligned columns, no colour, no box drawing; for pipes, files and NO_COLOR."""

from __future__ import annotations

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


def render(ex: Explanation, options: RenderOptions) -> str:
    digits = options.digits
    blocks = [
        summary_lines(ex, digits),
        table_lines(values_table(ex, digits)),
        table_lines(partials_table(ex, digits)),
    ]
    for chain in ex.chains:
        blocks.append(["Chain rule", *chain_rule_lines(ex, chain, digits)])
    blocks.append([gradient_line(ex, digits)])
    if ex.diagnostics:
        blocks.append(warning_lines(ex))
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


def table_lines(table: TableView) -> list[str]:
    columns = list(zip(table.headers, *table.rows, strict=True))
    widths = [max(len(cell) for cell in column) for column in columns]

    def line(cells: tuple[str, ...]) -> str:
        padded = [
            cell.rjust(width) if numeric else cell.ljust(width)
            for cell, width, numeric in zip(cells, widths, table.numeric, strict=True)
        ]
        return ("  " + "  ".join(padded)).rstrip()

    rule = tuple("-" * width for width in widths)
    return [table.title, line(table.headers), line(rule), *map(line, table.rows), *table.notes]
