"""GitHub-flavoured Markdown: the tables, the chain rule as $$ math, the graph as Mermaid."""

from __future__ import annotations

from ...explain import Explanation
from ...labels import gradient
from .. import RenderOptions
from ..tex import chain_rule_tex
from ..view import (
    BlockLines,
    ChainLines,
    GraphLines,
    Lines,
    SummaryLines,
    TableView,
    is_program,
    layout,
    statements,
)
from .mermaid import flowchart

SUFFIX = "md"
"""How the golden files of this format are named."""


def render(ex: Explanation, options: RenderOptions) -> str:
    digits = options.digits
    out = [_title(ex), ""]
    for block in layout(ex, options.sections, digits):
        if isinstance(block, TableView):
            out += [f"## {block.title}", "", *_table(block), ""]
            out += [f"{_cell(note)}" for note in block.notes] + ([""] if block.notes else [])
        elif isinstance(block, ChainLines):
            chain = block.chain
            heading = gradient(chain.variable, ex.graph.output_name)
            out += [f"## Chain rule for {heading}", "", _cell(block.lines[0]), ""]
            lines = chain_rule_tex(ex, chain, digits)
            out += [f"$$ {' = '.join(forms)} $$" for forms in lines] + [""]
        elif isinstance(block, GraphLines):
            out += ["## Graph", "", "```mermaid", *flowchart(ex, digits), "```", ""]
        elif isinstance(block, BlockLines):
            from ..blocks_view import block_tex

            out += [f"### {_cell(block.lines[0])}", ""]
            out += [f"$$ {line} $$" for line in block_tex(block.block, digits)] + [""]
        else:
            out += [*_paragraph(block, ex), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _title(ex: Explanation) -> str:
    """A program is not run together into one line of the title: the summary under it lists
    its statements, one per line, in a code block."""
    if is_program(ex):
        return "# Automatic differentiation of a program"
    return f"# Automatic differentiation of `{' '.join(ex.expression.split())}`"


def _paragraph(block: Lines, ex: Explanation) -> list[str]:
    if isinstance(block, SummaryLines) and block.lines[0].startswith("Program:"):
        return _summary_of_program(block, ex)
    # Two trailing spaces keep each line a line in Markdown.
    return [f"{_cell(line)}  " for line in block.lines]


def _table(table: TableView) -> list[str]:
    align = ["---:" if numeric else "---" for numeric in table.numeric]
    code = table.code or (False,) * len(table.headers)
    rows = [
        "| "
        + " | ".join(_column(is_code, cell) for is_code, cell in zip(code, row, strict=True))
        + " |"
        for row in table.rows
    ]
    return ["| " + " | ".join(table.headers) + " |", "| " + " | ".join(align) + " |", *rows]


def _column(is_code: bool, cell: str) -> str:
    if is_code and cell:
        return "`" + cell.replace("|", "\\|") + "`"
    return _cell(cell)


def _cell(text: str) -> str:
    for char in "\\|*_`<>[]":
        text = text.replace(char, "\\" + char)
    return text


def _summary_of_program(block: SummaryLines, ex: Explanation) -> list[str]:
    """The program as a code block, one statement per line, then the rest of the summary."""
    rest = [line for line in block.lines[1:] if not line.startswith("  ")]
    code = ["Program:", "", "```", *statements(ex.expression), "```", ""]
    return [*code, *(f"{_cell(line)}  " for line in rest)]
