"""TeX for the document formats: node ids as w_{8}, the chain rule in ∂ notation, and
text made safe for LaTeX (its special characters, and the Unicode the tool prints)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from ..explain import ChainRule, Explanation
from ..formula import tex_factor
from ..labels import ordinal
from ..labels import partial_tex as _partial
from ..numbers import format_count, format_number
from ..passes import Edge, edge_formula
from ..tensor import parse_element_name

_SUBSCRIPTS = str.maketrans("₋₀₁₂₃₄₅₆₇₈₉", "-0123456789")
_ID = re.compile(r"^([^\W\d_]+)([₋₀-₉0-9-]+)$")


def tex_id(node_id: str) -> str:
    """``w8`` → ``w_{8}``; ``v₋₁`` → ``v_{-1}``."""
    match = _ID.match(node_id)
    if match is None:
        return rf"\mathrm{{{node_id}}}"
    return f"{match.group(1)}_{{{match.group(2).translate(_SUBSCRIPTS)}}}"


def tex_number(value: str) -> str:
    """A printed number in math: parentheses around negatives, as a product needs, and a
    power of ten as a calculus handout writes it (6.37473 × 10⁻⁷, not 6.37473e−7)."""
    value = _POWER_OF_TEN.sub(_times_ten, value.replace("≈", r"\approx "))
    return f"({value})" if value.startswith("-") else value


def tex_result(value: str) -> str:
    """A printed number standing alone (a product, a sum): no parentheses around a negative."""
    negative = value.startswith("-")
    typeset = tex_number(value.removeprefix("-"))
    return f"-{typeset}" if negative else typeset


_POWER_OF_TEN = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)e([+-]?)0*(\d+)(?![\w.])")
"""A number printed with an exponent: 6.37473e-7, 1e+20."""


def _times_ten(match: re.Match[str]) -> str:
    mantissa, sign, exponent = match.groups()
    power = f"10^{{{'-' if sign == '-' else ''}{exponent}}}"
    return power if mantissa == "1" else rf"{mantissa} \times {power}"


_LABEL = re.compile(
    r"∂([^\W\d_]+[\w₋₀-₉]*)/∂([^\W\d_]+[\w₋₀-₉]*)"  # ∂w5/∂w2, ∂loss/∂w11
    r"|([^\W\d_]+)([\u0304\u0307])([\d₋₀-₉]+|ᵢ)"  # w̄5, ẇ5, w̄ᵢ
    r"|(Z)\u0304"  # Z̄
)


def latex_line(text: str, *, numbers: bool = True) -> str:
    """Text for a document, with what the tool writes as math typeset as the equations do:
    ∂w5/∂w2 as ∂w₅/∂w₂, w̄5 and ẇ5 with their accents, 6.37473e-7 as 6.37473 × 10⁻⁷
    (unless ``numbers`` is False: a formula's constants stay as typed). One notation for
    tables, headings and equations."""
    out: list[str] = []
    last = 0
    for match in _LABEL.finditer(text):
        out.append(_plain_part(text[last : match.start()], numbers))
        out.append(f"${_label_math(match)}$")
        last = match.end()
    out.append(_plain_part(text[last:], numbers))
    return "".join(out)


_SIGN = re.compile(r"(?<![\w.)\]])-(?=\.?\d)")
"""The minus sign of a number in text (``w = -2``), not a hyphen, nor an exponent's sign."""


def _plain_part(text: str, numbers: bool) -> str:
    if not numbers:
        return latex_text(text)
    # A number's sign is a minus in math, as the equations have it: a hyphen in text is short.
    signed = "$-$".join(_unsigned_part(piece) for piece in _SIGN.split(text))
    return signed.replace("$$", "")


def _unsigned_part(text: str) -> str:
    if not _POWER_OF_TEN.search(text):
        return latex_text(text)
    pieces = _POWER_OF_TEN.split(text)
    out = []
    for i in range(0, len(pieces), 4):
        out.append(latex_text(pieces[i]))
        if i + 3 < len(pieces):
            mantissa, sign, exponent = pieces[i + 1 : i + 4]
            number = f"{mantissa}e{sign}{exponent}"
            out.append(f"${_POWER_OF_TEN.sub(_times_ten, number)}$")
    return "".join(out)


def _math_name(name: str) -> str:
    """A name in a label: a variable, a node id, or a generic ``wᵢ``."""
    if name.endswith("ᵢ"):
        return f"{tex_variable(name[:-1])}_{{i}}"
    return tex_variable(name)


def _label_math(match: re.Match[str]) -> str:
    numerator, denominator, letters, accent, index, seed = match.groups()
    if numerator is not None:
        # Inline, as a table row or a heading holds it: a \frac there is too small to read.
        return rf"\partial {_math_name(numerator)}/\partial {_math_name(denominator)}"
    if seed is not None:
        return r"\bar{Z}"
    command = r"\bar" if accent == "\u0304" else r"\dot"
    subscript = "i" if index == "ᵢ" else index.translate(_SUBSCRIPTS)
    return rf"{command}{{{letters}}}_{{{subscript}}}"


def chain_rule_tex(ex: Explanation, chain: ChainRule, digits: int) -> list[list[str]]:
    """The chain rule in TeX, one list of equal forms per line (each path, then the sum):
    the ∂ factors, their formulas, their numbers, the product. A document writes a line's
    forms side by side (``a = b = c``) or one under the other."""
    graph = ex.graph
    whole = _partial(tex_variable(graph.output_name), tex_variable(chain.variable))
    if chain.node == graph.output or chain.path_count == 0:
        value = format_number(chain.gradient, digits)
        return [[whole, tex_result(value)]]
    steps = {step for path in chain.paths for step in zip(path.nodes, path.positions, strict=False)}
    formulas = {
        (edge.target, edge.position): _formula_factor(ex, edge)
        for edge in ex.edges
        if (edge.target, edge.position) in steps
    }
    repeated = _repeated_pairs(ex)
    lines = []
    for path in chain.paths:
        factors = [
            _partial(tex_id(graph.id(target)), tex_id(graph.id(source)))
            + _argument(repeated, target, source, position)
            for target, source, position in zip(
                path.nodes, path.nodes[1:], path.positions, strict=False
            )
        ]
        product = tex_result(format_number(path.product, digits))
        if len(factors) > MAX_TYPESET_FACTORS:
            lines.append([rf"\text{{a path of {len(factors)} edges}}", product])
            continue
        written = [formulas[step] for step in zip(path.nodes, path.positions, strict=False)]
        numbers = [tex_number(format_number(f, digits)) for f in path.factors]
        forms = [" ".join(factors)]
        # One factor: its number is already the product.
        last = product if len(numbers) > 1 else r" \cdot ".join(numbers)
        for form in (r" \cdot ".join(written), r" \cdot ".join(numbers), last):
            if form != forms[-1]:
                forms.append(form)
        lines.append(forms)
    total = tex_result(format_number(chain.gradient, digits))
    if chain.unlisted:
        more = format_count(chain.unlisted)
        lines.append([rf"\text{{and {more} more paths: }} {whole}", total])
    elif len(chain.paths) > 1:
        products = " + ".join(tex_number(format_number(p.product, digits)) for p in chain.paths)
        lines.append([whole, products, total])
    else:
        lines[0] = [whole, *lines[0]]
    return lines


MAX_TYPESET_FACTORS = 40
"""A longer path is named by its length only: the document breaks a product over lines,
but a page of ones helps nobody."""


def _repeated_pairs(ex: Explanation) -> set[tuple[int, int]]:
    """The (target, source) pairs joined by more than one edge (x*x): their factors name
    the argument, as the tables do."""
    counts = Counter((edge.target, edge.source) for edge in ex.edges)
    return {pair for pair, count in counts.items() if count > 1}


def _argument(repeated: set[tuple[int, int]], target: int, source: int, position: int) -> str:
    if (target, source) not in repeated:
        return ""
    return rf"\big|_{{\text{{{ordinal(position + 1)} arg}}}}"


def _formula_factor(ex: Explanation, edge: Edge) -> str:
    """An edge's partial typeset from its formula tree, as a factor of a product."""
    tree = edge_formula(ex.graph, edge)
    node = ex.graph.nodes[edge.target]
    operands = [
        tex_id(ex.graph.id(arg)) if isinstance(arg, int) else _constant(arg.text)
        for arg in node.args
    ]
    return tex_factor(tree, operands)


def _constant(text: str) -> str:
    """A constant as written (``2``, ``pi``, ``pi/2``), in math mode."""
    if _NUMBER.match(text):
        return text
    if text in ("pi", "e"):
        return r"\pi" if text == "pi" else "e"
    return rf"\left(\text{{\texttt{{{latex_text(text)}}}}}\right)"


_NUMBER = re.compile(r"^\d*\.?\d+([eE][+-]?\d+)?$")


def tex_variable(name: str) -> str:
    """A variable's name in math mode: x1 as x_{1}, θ as \theta, long names upright-italic;
    an element W[1,2] as W_{1,2}, and an element of W1 as (W_{1})_{1,2}. The one place a
    name is typeset: the chain rules, the gradient lines and the blocks all call it."""
    element = parse_element_name(name)
    if element is not None:
        base, index = element
        typeset = tex_variable(base)
        if _ID.match(base):  # W_{1}_{1,2} is a double subscript, an error in TeX and MathJax
            typeset = f"({typeset})"
        return f"{typeset}_{{{','.join(str(i + 1) for i in index)}}}"
    if _ID.match(name):
        return tex_id(name)
    pieces = [_greek(char).strip("$") if not char.isascii() else char for char in name]
    text = "".join(pieces).replace("_", r"\_")
    return text if len(name) == 1 else rf"\mathit{{{text}}}"


def tex_adjoint(name: str) -> str:
    r"""A variable's adjoint: the bar over its letters, as a textbook writes it (\bar{x},
    \bar{W}_{1}, \overline{\mathit{loss}}), never over a subscript."""
    match = _ID.match(name)
    letters = match.group(1) if match is not None else name
    typeset = tex_variable(letters) if match is None else letters  # tex_id's letters, as typed
    barred = rf"\bar{{{typeset}}}" if len(letters) == 1 else rf"\overline{{{typeset}}}"
    return barred + tex_id(name).removeprefix(letters) if match is not None else barred


_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}
_SYMBOLS = {
    "∂": r"$\partial$",
    "·": r"$\cdot$",
    "→": r"$\to$",
    "…": r"\ldots{}",
    "≈": r"$\approx$",
    "−": "-",
    "✓": r"$\checkmark$",
    "✗": r"$\times$",
    "±": r"$\pm$",
    "─": "-",
    "│": "|",
    "├": "|",
    "└": "`",
    "ᵢ": r"$_i$",
    "×": r"$\times$",
    "⊙": r"$\odot$",
    "ᵀ": r"$^{\top}$",
}
_ACCENTS = {"\u0304": "=", "\u0307": "."}  # combining macron (w̄), dot above (ẇ)


def latex_text(text: str) -> str:
    """Text safe for LaTeX's text mode, with pdflatex's base packages only."""
    out: list[str] = []
    for char in text:
        if char in _SPECIAL:
            out.append(_SPECIAL[char])
        elif char.isascii():
            out.append(char)
        elif char in _SYMBOLS:
            out.append(_SYMBOLS[char])
        elif char in _ACCENTS and out:
            out[-1] = f"\\{_ACCENTS[char]}{{{out[-1]}}}"
        elif char in "₋₀₁₂₃₄₅₆₇₈₉":
            digit = char.translate(_SUBSCRIPTS)
            if out and out[-1].startswith("$_{"):  # one subscript for a run: v₋₁ is v$_{-1}$
                out[-1] = out[-1][:-2] + digit + "}$"
            else:
                out.append(f"$_{{{digit}}}$")
        else:
            out.append(_greek(char))
    return "".join(out).replace("$$", "")


def _greek(char: str) -> str:
    name = unicodedata.name(char, "")
    if name.startswith("GREEK SMALL LETTER "):
        return f"$\\{name.removeprefix('GREEK SMALL LETTER ').lower()}$"
    if name.startswith("GREEK CAPITAL LETTER "):
        return f"$\\{name.removeprefix('GREEK CAPITAL LETTER ').capitalize()}$"
    return "?"
