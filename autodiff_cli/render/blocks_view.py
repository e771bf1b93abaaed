"""How the blocks view (``--show blocks``) is written: text for rich and plain, TeX math for
the documents. What a block holds is decided in ``blocks.py``; this module only writes it.

Vectors are written ``[1, 2]`` and matrices row by row, their columns aligned, a matrix
larger than 8×8 cut to its corners; in TeX, as ``bmatrix``.
"""

from __future__ import annotations

import re
from typing import Any

from ..blocks import BAR, Block, bar, blocks
from ..explain import Explanation
from ..numbers import Value, format_number, json_number
from ..tensor import Shape, describe
from .tex import tex_adjoint, tex_variable
from .view import BlockLines, Lines

SHOWN = 8
"""Rows and columns of a matrix shown in full; past that its first and last few."""

LABELS = {"statement": ("value", "adjoint"), "input": ("value", "gradient")}
"""What a block's two arrays are called, by its kind (the page uses the same words)."""


def _adjoint_is(examples: list[Block], output: str, lead: str) -> str:
    """``h̄ = ∂loss/∂h``, with a block of the program's own: a generic x would read as the
    student's x."""
    name = examples[0].name if examples else "h"
    said = f"{bar(name)} = ∂{output}/∂{name}"
    return f"{lead} {said}, element by element" if lead else said


def no_blocks(sections: frozenset[str]) -> list[Lines]:
    """Why --show blocks shows nothing for a program without vectors; nothing under
    --show all, which asks for whatever there is rather than for blocks."""
    from . import SECTIONS

    if sections >= set(SECTIONS):
        return []
    return [
        Lines(
            (
                "Blocks are for programs with vectors or matrices; this one has only numbers, "
                "so its blocks would be its nodes: see --show adjoints",
            )
        )
    ]


def block_view(ex: Explanation, digits: int) -> list[Lines]:
    """The heading, each statement from the output down, then each input with its gradient;
    nothing for a program without vectors (its blocks would be its nodes)."""
    found = blocks(ex)
    if not found:
        return []
    output = ex.graph.output_name
    statements = [block for block in found if block.kind == "statement"]
    inputs = [block for block in found if block.kind == "input"]
    view: list[Lines] = [
        Lines(
            (
                "Backprop by blocks: each statement a block, from the output down; "
                + _adjoint_is(statements or inputs, output, "a block's adjoint, as"),
            ),
            style="bold",
        )
    ]
    view += [BlockLines(tuple(_statement_lines(b, digits)), block=b) for b in reversed(statements)]
    heading = "Inputs, each with its gradient, as " + _adjoint_is(inputs, output, "")
    view.append(Lines((heading,), style="bold"))
    view += [BlockLines(tuple(_input_lines(b, digits)), block=b) for b in inputs]
    return view


def _statement_lines(block: Block, digits: int) -> list[str]:
    lines = [f"{block.source}    ({describe(block.shape)})"]
    value, adjoint = LABELS[block.kind]
    lines += _labelled(value, f"{block.name} = ", block.values, block.shape, digits)
    lines += _labelled(adjoint, f"{bar(block.name)} = ", block.adjoints, block.shape, digits)
    for position, rule in enumerate(block.rules):
        lines.append(f"  {'rule:' if position == 0 else '':<10}{rule}")
    return lines


def _input_lines(block: Block, digits: int) -> list[str]:
    lines = [f"{block.name}    ({describe(block.shape)})"]
    value, gradient = LABELS[block.kind]
    lines += _labelled(value, f"{block.name} = ", block.values, block.shape, digits)
    lines += _labelled(gradient, f"{bar(block.name)} = ", block.adjoints, block.shape, digits)
    return lines


def _labelled(
    label: str, prefix: str, values: tuple[Value, ...], shape: Shape, digits: int
) -> list[str]:
    first, *rest = array_lines(values, shape, digits)
    lead = f"  {label + ':':<10}{prefix}"
    indent = " " * (len(lead) - prefix.count(BAR))
    return [lead + first, *(indent + line for line in rest)]


def array_lines(values: tuple[Value, ...], shape: Shape, digits: int) -> list[str]:
    """A scalar, ``[1, 2, 3]``, or a matrix one row a line with its columns aligned."""
    texts = [format_number(value, digits) for value in values]
    if not shape:
        return [texts[0]]
    grid = grid_of(texts, shape)
    if len(shape) == 1:
        return ["[" + ", ".join(grid[0]) + "]"]
    widths = [max(len(row[c]) for row in grid) for c in range(len(grid[0]))]
    lines = []
    for position, row in enumerate(grid):
        cells = ", ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True))
        opening = "[[" if position == 0 else " ["
        closing = "]]" if position == len(grid) - 1 else "],"
        lines.append(f"{opening}{cells}{closing}")
    return lines


def grid_of(texts: list[Any], shape: Shape) -> list[list[Any]]:
    """The elements as rows of cells, cut to their corners past SHOWN rows or columns."""
    rows, columns = (shape[0], shape[1]) if len(shape) == 2 else (1, shape[0])
    grid = []
    for r in _positions(rows):
        if r is None:
            grid.append(["⋮" if c is not None else "⋱" for c in _positions(columns)])
        else:
            grid.append(
                [texts[r * columns + c] if c is not None else "…" for c in _positions(columns)]
            )
    return grid


def _positions(count: int) -> list[int | None]:
    """0 … count-1, or its first and last SHOWN/2 with None between."""
    if count <= SHOWN:
        return list(range(count))
    half = SHOWN // 2
    return [*range(half), None, *range(count - half, count)]


# --- JSON ---------------------------------------------------------------------------


def block_json(ex: Explanation) -> list[dict[str, Any]]:
    """Each block with its value and adjoint as nested lists (a matrix a list of rows)."""
    ids = [node.id for node in ex.graph.nodes]
    return [
        {
            "name": block.name,
            "kind": block.kind,
            "shape": list(block.shape),
            "nodes": _nested([None if n is None else ids[n] for n in block.nodes], block.shape),
            "value": _nested([json_number(v) for v in block.values], block.shape),
            "adjoint": _nested([json_number(v) for v in block.adjoints], block.shape),
            **({"source": block.source, "rules": list(block.rules)} if block.source else {}),
        }
        for block in blocks(ex)
    ]


def _nested(flat: list[Any], shape: Shape) -> Any:
    if not shape:
        return flat[0]
    if len(shape) == 1:
        return flat
    columns = shape[1]
    return [flat[r * columns : (r + 1) * columns] for r in range(shape[0])]


# --- TeX, for the documents -----------------------------------------------------------


def block_tex(block: Block, digits: int) -> list[str]:
    """The block as display math: its value and adjoint as matrices, then its rule."""
    name = tex_variable(block.name)
    value = _matrix_tex(block.values, block.shape, digits)
    adjoint = _matrix_tex(block.adjoints, block.shape, digits)
    lines = [rf"{name} = {value}, \qquad {tex_adjoint(block.name)} = {adjoint}"]
    if block.rules:
        rows = " \\\\ ".join(_rule_tex(rule) for rule in block.rules)
        lines.append(rf"\begin{{aligned}} {rows} \end{{aligned}}")
    return lines


def _matrix_tex(values: tuple[Value, ...], shape: Shape, digits: int) -> str:
    texts = [format_number(value, digits) for value in values]
    if not shape:
        return texts[0]
    grid = grid_of(texts, shape)
    if len(shape) == 1:  # a vector is a column, as the rules treat it
        grid = [[cell if cell != "…" else "⋮"] for cell in grid[0]]
    dots = {"…": r"\cdots", "⋮": r"\vdots", "⋱": r"\ddots"}
    body = r" \\ ".join(" & ".join(dots.get(cell, cell) for cell in row) for row in grid)
    return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"


_WORD = re.compile(r"(?:(?![ᵀ₀-₉])[^\W\d_])(?:(?![ᵀ₀-₉])\w)*")
"""A name: letters, digits and underscores, not the ᵀ of a transpose or a δ's subscript."""
_BARRED_NUMBERED = re.compile(rf"([^\W\d_]){BAR}(\d+)")
"""The adjoint of a numbered name as ``bar`` writes it: W̄1."""
_SUBSCRIPT = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def _rule_tex(rule: str) -> str:
    """``W̄ += δ xᵀ`` as ``\\bar{W} &\\mathrel{+}= \\delta x^{\\top}``."""
    target, joint, expression = rule.partition(" += " if " += " in rule else " = ")
    relation = r"&\mathrel{+}= " if joint.strip() == "+=" else "&= "
    return f"{_expression_tex(target)} {relation}{_expression_tex(expression)}"


def _expression_tex(text: str) -> str:
    def word(match: re.Match[str]) -> str:
        found = match.group()
        barred = text[match.end() : match.end() + 1] == BAR
        if found in ("softmax", "onehot", "ones", "sum", "sum_rows", "dot", "log", "exp", "tanh"):
            escaped = found.replace("_", r"\_")
            return rf"\mathrm{{{escaped}}}"
        if found == "if":
            return r"\text{ if }"
        return tex_adjoint(found) if barred else tex_variable(found)

    # W̄1 is W1's adjoint: the bar goes after the whole name, where word() looks for it.
    text = _BARRED_NUMBERED.sub(lambda m: m.group(1) + m.group(2) + BAR, text)
    out = _WORD.sub(word, text).replace(BAR, "")
    out = re.sub(r"([₀-₉]+)", lambda m: f"_{{{m.group(1).translate(_SUBSCRIPT)}}}", out)
    for plain, typeset in (
        ("⊙", r"\odot"),
        ("ᵀ", r"^{\top}"),
        ("·", r"\cdot"),
        (" * ", r" \cdot "),
        (";", r";\,"),
    ):
        out = out.replace(plain, typeset)
    return out
