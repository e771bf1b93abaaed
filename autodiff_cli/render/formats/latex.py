"""LaTeX: a standalone document a teacher can hand out; the tables, and the chain rule in
∂ notation. It compiles with pdflatex and the packages of TeX Live's base set."""

from __future__ import annotations

from ...explain import Explanation
from ...labels import partial_tex
from .. import RenderOptions
from ..tex import chain_rule_tex, latex_line, latex_text, tex_variable
from ..view import (
    BlockLines,
    ChainLines,
    GraphLines,
    SummaryLines,
    TableView,
    is_program,
    layout,
    statements,
)

SUFFIX = "tex"
"""How the golden files of this format are named."""

PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[T1]{fontenc}
\usepackage[margin=2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{array,longtable,alltt}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.5em}
\begin{document}"""

LINE_CHARS = 80
"""Characters of \texttt at 11pt across the page's text width (17 cm): a table wider than
this gets columns that wrap."""

TITLE_CHARS = 40
"""A longer expression is not put in the title (it would run off the page in 14pt type);
the summary below it has it."""

FACTORS_PER_LINE = 5
"""A chain-rule product of more factors is broken over lines, so a long path fits the page."""


def render(ex: Explanation, options: RenderOptions) -> str:
    digits = options.digits
    out = [PREAMBLE, _title(ex)]
    for block in layout(ex, options.sections, digits):
        if isinstance(block, TableView):
            out += [rf"\subsection*{{{latex_line(block.title)}}}", *_table(block)]
            out += [latex_line(note) + r"\\" for note in block.notes]
        elif isinstance(block, ChainLines):
            chain = block.chain
            whole = partial_tex(tex_variable(ex.graph.output_name), tex_variable(chain.variable))
            out += [
                rf"\subsection*{{Chain rule for ${whole}$}}",
                latex_line(block.lines[0]),
                r"\begin{align*}",
                " \\\\\n".join(_aligned(forms) for forms in chain_rule_tex(ex, chain, digits)),
                r"\end{align*}",
            ]
        elif isinstance(block, BlockLines):
            from ..blocks_view import block_tex

            out.append(rf"\subsubsection*{{{latex_text(block.lines[0])}}}")
            out += [rf"\[ {line} \]" for line in block_tex(block.block, digits)]
        elif isinstance(block, GraphLines):
            out += [r"\subsection*{Graph}", r"\begin{alltt}", *_tree(block.lines), r"\end{alltt}"]
        else:
            lines = list(block.lines)
            code = isinstance(block, SummaryLines)  # its indented lines are a program's
            if code and lines[0].startswith("Program:"):  # one statement per line
                body = [line for line in lines[1:] if not line.startswith("  ")]
                lines = ["Program:", *(f"  {s}" for s in statements(ex.expression)), *body]
            out.append(r"\\".join(_hanging(line, code) for line in lines) + "\n")
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"


def _title(ex: Explanation) -> str:
    """The expression in the title when it is short; a program is listed one statement per
    line by the summary under the title instead."""
    flat = " ".join(ex.expression.split())
    program = is_program(ex)
    if program or len(flat) > TITLE_CHARS:
        what = "a program" if program else "an expression"
        return rf"\section*{{Automatic differentiation of {what}}}"
    return rf"\section*{{Automatic differentiation of \texttt{{{latex_text(flat)}}}}}"


def _hanging(line: str, code: bool) -> str:
    """A line of text, its indent kept; with ``code``, an indented line is a program's
    statement, set as code. ``x1 = 0.5`` is kept on one line."""
    if not line.startswith("  "):
        return latex_line(line).replace(" = ", "~=~")
    if code:
        return rf"\hspace*{{1.5em}}\texttt{{{latex_text(line.strip())}}}"
    return r"\hspace*{1.5em}" + latex_line(line.strip())


def _aligned(forms: list[str]) -> str:
    """A line of equal forms, one under the other at the = sign, a long product broken over
    lines, so long ones fit the page."""
    first, *rest = forms
    body = " \\\\\n&= ".join(_broken(form) for form in rest)
    if first.count(r"\frac") > FACTORS_PER_LINE:
        # A long path's ∂ factors (a layer's path has seven) take a line to themselves,
        # right of the alignment point: the left column is as wide as its widest entry.
        return f"& {first} \\\\\n&= {body}"
    return f"{first} &= {body}"


def _broken(form: str) -> str:
    """A product of many factors over several lines of the alignment."""
    factors = _factors(form)
    if len(factors) <= FACTORS_PER_LINE:
        return form
    lines = [factors[i : i + FACTORS_PER_LINE] for i in range(0, len(factors), FACTORS_PER_LINE)]
    joint = r" \cdot " if r"\cdot" in form else " "
    return ("\\\\\n&\\quad " + joint.strip() + " ").join(joint.join(line) for line in lines)


def _factors(form: str) -> list[str]:
    """The factors of a product (``a \\cdot b`` or ``\\frac{}{} \\frac{}{}``), split only
    outside braces, \\left( … \\right) and environments (a piecewise factor's cases)."""
    factors: list[str] = []
    depth = 0
    start = 0
    i = 0
    separators = (r" \cdot ", r" \frac")
    while i < len(form):
        if form.startswith((r"\left", r"\begin"), i):
            depth += 1
        elif form.startswith((r"\right", r"\end"), i):
            depth -= 1
        elif form[i] == "{" and form[i - 1 : i] != "\\":
            depth += 1
        elif form[i] == "}" and form[i - 1 : i] != "\\":
            depth -= 1
        elif depth == 0 and form.startswith(separators, i):
            factors.append(form[start:i])
            skip = len(r" \cdot ") if form.startswith(r" \cdot ", i) else 1
            i += skip
            start = i
            continue
        i += 1
    factors.append(form[start:])
    return [factor for factor in factors if factor]


def _table(table: TableView) -> list[str]:
    header = " & ".join(rf"\textbf{{{latex_line(h)}}}" for h in table.headers)
    code = table.code or (False,) * len(table.headers)
    rows = [
        " & ".join(_cell(is_code, c) for is_code, c in zip(code, row, strict=True)) + r" \\"
        for row in table.rows
    ]
    return [
        rf"\begin{{longtable}}{{{_columns(table, code)}}}",
        r"\hline",
        header + r" \\",
        r"\hline",
        *rows,
        r"\hline",
        r"\end{longtable}",
    ]


def _columns(table: TableView, code: tuple[bool, ...]) -> str:
    """``l`` and ``r`` where the table fits the page; else the formula columns wrap, each
    given a share of the width left by the others."""
    widths = [
        max(len(header), *(len(row[i]) for row in table.rows)) if table.rows else len(header)
        for i, header in enumerate(table.headers)
    ]
    plain = ["r" if numeric else "l" for numeric in table.numeric]
    if sum(widths) + 2 * len(widths) <= LINE_CHARS or not any(code):
        return "".join(plain)
    fixed = sum(w for w, is_code in zip(widths, code, strict=True) if not is_code)
    room = max(LINE_CHARS - fixed - 2 * len(widths), LINE_CHARS // 4)
    wrapping = sum(w for w, is_code in zip(widths, code, strict=True) if is_code)
    specs = []
    for spec, width, is_code in zip(plain, widths, code, strict=True):
        if is_code:
            share = room * width / wrapping / LINE_CHARS
            spec = rf">{{\raggedright\arraybackslash}}p{{{share:.2f}\linewidth}}"
        specs.append(spec)
    return "".join(specs)


def _cell(is_code: bool, cell: str) -> str:
    text = latex_line(cell, numbers=not is_code)
    return rf"\texttt{{{text}}}" if is_code and cell else text


def _tree(lines: tuple[str, ...]) -> list[str]:
    """The terminal's tree in alltt, which keeps its spaces and takes math: ∂ stays ∂."""
    return [_math_in_alltt(latex_line(line)) for line in lines]


def _math_in_alltt(text: str) -> str:
    """alltt reads $, _ and ^ as characters: math is written \\( … \\) there, with \\sb and
    \\sp for subscripts and superscripts."""
    out = []
    for number, piece in enumerate(text.split("$")):
        if number % 2:
            piece = piece.replace("_{", r"\sb{").replace("^{", r"\sp{")
            piece = rf"\({piece}\)"
        out.append(piece)
    return "".join(out)
