"""LaTeX: a standalone document a teacher can hand out; the tables, and the chain rule in
∂ notation. It compiles with pdflatex and the packages of TeX Live's base set."""

from __future__ import annotations

from ...explain import Explanation
from .. import RenderOptions
from ..tex import chain_rule_tex, latex_text
from ..view import BlockLines, ChainLines, GraphLines, TableView, layout

SUFFIX = "tex"
"""How the golden files of this format are named."""

PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[T1]{fontenc}
\usepackage[margin=2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{longtable}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.5em}
\begin{document}"""


def render(ex: Explanation, options: RenderOptions) -> str:
    digits = options.digits
    expression = latex_text(" ".join(ex.expression.split()))
    out = [PREAMBLE, rf"\section*{{Automatic differentiation of \texttt{{{expression}}}}}"]
    for block in layout(ex, options.sections, digits):
        if isinstance(block, TableView):
            out += [rf"\subsection*{{{latex_text(block.title)}}}", *_table(block)]
            out += [latex_text(note) + r"\\" for note in block.notes]
        elif isinstance(block, ChainLines):
            chain = block.chain
            variable = latex_text(chain.variable)
            out += [
                rf"\subsection*{{Chain rule for $\partial Z/\partial$\,{variable}}}",
                latex_text(block.lines[0]),
                r"\begin{align*}",
                " \\\\\n".join(_aligned(forms) for forms in chain_rule_tex(ex, chain, digits)),
                r"\end{align*}",
            ]
        elif isinstance(block, BlockLines):
            from ..blocks_view import block_tex

            out.append(rf"\subsubsection*{{{latex_text(block.lines[0])}}}")
            out += [rf"\[ {line} \]" for line in block_tex(block.block, digits)]
        elif isinstance(block, GraphLines):
            out += [
                r"\subsection*{Graph}",
                r"\begin{verbatim}",
                *_ascii_tree(block.lines),
                r"\end{verbatim}",
            ]
        else:
            out.append(r"\\".join(latex_text(line) for line in block.lines) + "\n")
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"


def _aligned(forms: list[str]) -> str:
    """A line of equal forms, one under the other at the = sign, so long ones fit the page."""
    first, *rest = forms
    return f"{first} &= " + " \\\\\n&= ".join(rest)


def _table(table: TableView) -> list[str]:
    spec = "".join("r" if numeric else "l" for numeric in table.numeric)
    header = " & ".join(rf"\textbf{{{latex_text(h)}}}" for h in table.headers)
    code = table.code or (False,) * len(table.headers)
    rows = [
        " & ".join(_cell(is_code, c) for is_code, c in zip(code, row, strict=True)) + r" \\"
        for row in table.rows
    ]
    return [
        rf"\begin{{longtable}}{{{spec}}}",
        r"\hline",
        header + r" \\",
        r"\hline",
        *rows,
        r"\hline",
        r"\end{longtable}",
    ]


def _cell(is_code: bool, cell: str) -> str:
    text = latex_text(cell)
    return rf"\texttt{{{text}}}" if is_code and cell else text


def _ascii_tree(lines: tuple[str, ...]) -> list[str]:
    """verbatim takes no commands, so the tree's Unicode becomes plain ASCII."""
    table = str.maketrans({"├": "|", "└": "`", "│": "|", "─": "-", "∂": "d", "…": "..."})
    return [line.translate(table).encode("ascii", "replace").decode() for line in lines]
