"""Jupyter: how a result shows itself in a notebook, and the ``%adexplain`` magic.

An :class:`~autodiff_cli.explain.Explanation` displays itself through ``_repr_html_``
(the tables as HTML, each chain rule as TeX for the notebook's MathJax, the graph as SVG
where Graphviz is installed), ``_repr_markdown_`` and ``_repr_latex_`` for other front
ends. ``%load_ext autodiff_cli`` registers the magic::

    %adexplain "y - max(0,w*x+b)" --at y=5,w=2,x=1,b=1 --wrt w --show all

which takes the command line's own options (it is the same click command, parsed, not
run). Nothing here imports IPython: the magic is handed the shell that loads it.
"""

from __future__ import annotations

import html as html_text
import shlex
import sys
from collections.abc import Iterable
from typing import Any

from .errors import AdexplainError
from .explain import Explanation
from .render import SECTIONS, RenderOptions, renderer
from .render.graphviz import MAX_NODES, svg
from .render.tex import chain_rule_tex, tex_id, tex_number
from .render.view import BlockLines, ChainLines, GraphLines, TableView, WarningLines, layout
from .scope import suggestion

STYLE = (
    "<style>"
    ".adexplain table{border-collapse:collapse;margin:0.3em 0 1em}"
    # Two classes and two elements outrank JupyterLab's own rule, which right-aligns every cell.
    ".adexplain table.adexplain-table th,.adexplain table.adexplain-table td"
    "{padding:0.15em 0.7em;border-bottom:1px solid #ccc;text-align:left}"
    ".adexplain table.adexplain-table td.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".adexplain code{white-space:pre}"
    # A graph keeps its natural size and scrolls: shrunk to the cell, 46 nodes are unreadable.
    ".adexplain .adexplain-graph{overflow-x:auto;max-width:100%}"
    ".adexplain .warning{border-left:4px solid #e69f00;padding-left:0.5em}"
    "</style>"
)


def html(ex: Explanation, options: RenderOptions | None = None) -> str:
    """The explanation as one HTML fragment: the graph, the tables, the chain rule in TeX."""
    options = options or RenderOptions()
    summary, *blocks = layout(ex, options.sections, options.digits)
    out = [STYLE, '<div class="adexplain">', _paragraph(summary.lines)]  # type: ignore[union-attr]
    picture = graph_svg(ex, options)
    if picture:
        out.append(f'<div class="adexplain-graph">{picture.strip()}</div>')
    for block in blocks:
        if isinstance(block, TableView):
            out += [f"<h4>{_escape(block.title)}</h4>", _table(block)]
            out += [f"<p>{_escape(note)}</p>" for note in block.notes]
        elif isinstance(block, ChainLines):
            heading, *_ = block.lines
            lines = chain_rule_tex(ex, block.chain, options.digits)
            out.append(f"<h4>Chain rule</h4><p>{_escape(heading)}</p>")
            out += [f"<p>$$ {_escape(' = '.join(forms))} $$</p>" for forms in lines]
        elif isinstance(block, GraphLines):
            if not picture:  # without Graphviz, the terminal's tree
                out.append("<pre>" + "\n".join(map(_escape, block.lines)) + "</pre>")
        elif isinstance(block, BlockLines):
            out.append(_block_html(block, options.digits))
        elif isinstance(block, WarningLines):
            out.append(_paragraph(block.lines, "warning"))
        else:
            out.append(_paragraph(block.lines))
    out.append("</div>")
    return "\n".join(out)


def _block_html(block: BlockLines, digits: int) -> str:
    """A block as the documents typeset it, its matrices as MathJax's bmatrix: the text view's
    columns are aligned with spaces, which HTML collapses."""
    from .render.blocks_view import block_tex

    heading = f"<h5>{_escape(block.lines[0])}</h5>"
    return heading + "".join(
        f"<p>$$ {_escape(line)} $$</p>" for line in block_tex(block.block, digits)
    )


def show(ex: Explanation, sections: str | Iterable[str] = "all", digits: int = 6) -> Display:
    """The explanation with the sections ``--show`` names (``"blocks"``, ``"all"``,
    ``["graph", "paths"]``), to display in a notebook: ``Explanation.show`` calls this."""
    names = (
        {name.strip() for name in sections.split(",")}
        if isinstance(sections, str)
        else set(sections)
    )
    chosen = set(SECTIONS) if names == {"all"} else names
    unknown = sorted(chosen - set(SECTIONS))
    if unknown:
        raise AdexplainError(
            f"unknown section {unknown[0]!r}; choose from {', '.join(SECTIONS)} or all"
            + suggestion(unknown[0], [*SECTIONS, "all"]),
            code="usage",
        )
    return Display(ex, RenderOptions(digits=digits, sections=frozenset(chosen)))


def graph_svg(ex: Explanation, options: RenderOptions) -> str | None:
    """The ``dot`` picture drawn by Graphviz, or None where it is missing or the graph large."""
    if len(ex.graph.nodes) > MAX_NODES:
        return None
    return svg(renderer("dot")(ex, options))


def markdown(ex: Explanation, options: RenderOptions | None = None) -> str:
    """The ``markdown`` format (tables, ``$$`` chain rules, a Mermaid graph)."""
    return renderer("markdown")(ex, options or RenderOptions())


def latex(ex: Explanation, options: RenderOptions | None = None) -> str:
    """Math only, for front ends that typeset ``text/latex`` with MathJax (no tabular there):
    the node values as an array, then each chain rule aligned at its = signs."""
    options = options or RenderOptions()
    digits = options.digits
    from .numbers import format_number

    rows = [
        rf"{tex_id(node.id)} & {tex_number(format_number(value, digits))} \\"
        for node, value in zip(ex.graph.nodes, ex.values, strict=True)
    ]
    chains = [
        " &= ".join(forms[:1]) + " &= " + " = ".join(forms[1:])
        for chain in ex.chains
        for forms in chain_rule_tex(ex, chain, digits)
        if len(forms) > 1
    ]
    values = r"\begin{array}{lr}" + "\n".join(rows) + r"\end{array}"
    body = values + (r"\quad \begin{aligned}" + r"\\".join(chains) + r"\end{aligned}")
    return f"$$ {body} $$"


def _table(table: TableView) -> str:
    header = "".join(f"<th>{_escape(h)}</th>" for h in table.headers)
    code = table.code or (False,) * len(table.headers)
    rows = []
    for row in table.rows:
        cells = []
        for cell, numeric, is_code in zip(row, table.numeric, code, strict=True):
            text = f"<code>{_escape(cell)}</code>" if is_code and cell else _escape(cell)
            cells.append(f'<td class="n">{text}</td>' if numeric else f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    head = f'<table class="adexplain-table"><thead><tr>{header}</tr></thead>'
    return head + "<tbody>" + "".join(rows) + "</tbody></table>"


def _paragraph(lines: tuple[str, ...], kind: str = "") -> str:
    opening = f'<p class="{kind}">' if kind else "<p>"
    return opening + "<br>".join(map(_escape, lines)) + "</p>"


def _escape(text: str) -> str:
    return html_text.escape(text, quote=True)


class Display:
    """What ``%adexplain`` shows: one explanation with the options it was asked for."""

    def __init__(self, ex: Explanation, options: RenderOptions) -> None:
        self.explanation = ex
        self.options = options

    def _repr_html_(self) -> str:
        return html(self.explanation, self.options)

    def _repr_markdown_(self) -> str:
        return markdown(self.explanation, self.options)

    def _repr_latex_(self) -> str:
        return latex(self.explanation, self.options)

    def __repr__(self) -> str:
        return renderer("plain")(self.explanation, self.options)


class Text:
    """Another format's output (``--format json``), shown as it is; a page in a frame."""

    def __init__(self, text: str, format_name: str) -> None:
        self.text = text
        self.format_name = format_name

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str | None:
        if self.format_name != "html":
            return None
        frame = _escape(self.text)
        return f'<iframe srcdoc="{frame}" style="width:100%;height:48em;border:0"></iframe>'


def magic(line: str) -> Display | Text | None:
    """``%adexplain EXPR --at ... [options]``: the command line's options, shown in the notebook.

    An error is one message on standard error, as on the command line, never a traceback.
    """
    from .cli import (
        _failed_expectations,
        _run,
        _save_pictures,
        _sections,
        computation,
        explain_command,
    )

    try:
        words = shlex.split(line)
    except ValueError as err:
        _tell(AdexplainError(f"cannot split the line into words: {err}", code="usage"))
        return None
    import click

    try:
        with explain_command.make_context("%adexplain", words) as context:
            params: dict[str, Any] = dict(context.params)
        sections = _sections(params["show"], params["format_name"])
        options = RenderOptions(
            digits=params["digits"],
            sections=sections,
            color=params["format_name"] == "rich",
        )

        compute = computation(
            sections,
            params["max_paths"],
            params["notation"],
            params["exact"],
            params["seed_options"],
        )
        result = _run(
            params["expression"],
            params["at_options"],
            params["wrt"],
            params["problem_file"],
            compute,
        )
        failures = _failed_expectations(result, params["expect_options"], params["exact"])
        _save_pictures(result, options, {"svg": params["save_svg"], "html": params["save_html"]})
    except click.exceptions.Exit:
        return None  # --help, which click has printed
    except click.ClickException as err:
        _tell(AdexplainError(err.format_message(), code="usage"))
        return None
    except AdexplainError as err:
        _tell(err)
        return None
    for failure in failures:
        print(f"adexplain: check failed: {failure}", file=sys.stderr)
    if params["format_name"] is not None:
        return Text(renderer(params["format_name"])(result, options), params["format_name"])
    return Display(result, options)


def _tell(err: AdexplainError) -> None:
    print(err.render(), file=sys.stderr)


def load(shell: Any) -> None:
    """Register ``%adexplain`` with the IPython shell that runs ``%load_ext autodiff_cli``."""
    shell.register_magic_function(magic, magic_kind="line", magic_name="adexplain")
