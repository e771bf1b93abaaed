"""Renderers: one module per output format, each offering ``render(explanation, options) -> str``,
and the registries of every format the command line offers.

Modules are imported only when their format is chosen, so ``--format json``
never pays for importing rich, and explaining never imports the homework checker
that the report and worksheet formats are written from. The registries name
where a format lives rather than holding it for that reason.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

if TYPE_CHECKING:
    from ..explain import Explanation


SECTIONS = (
    "graph",
    "values",
    "partials",
    "paths",
    "adjoints",
    "blocks",
    "tangents",
    "check",
)
"""Every part an explanation can show, in the order shown."""
DEFAULT_SECTIONS = ("values", "partials", "paths")
"""The core's three parts; the rest on request (--show). JSON always has nodes, edges, paths
and adjoints, and adds tangents and check when they are asked for."""


@dataclass(frozen=True, slots=True)
class RenderOptions:
    digits: int = 6
    """Significant digits of printed numbers (JSON always keeps full precision)."""
    width: int | None = None
    """Columns for rich output; None means the terminal's width."""
    color: bool = False
    """Whether rich output may use colour and styles."""
    sections: frozenset[str] = frozenset(DEFAULT_SECTIONS)
    """Which parts the text formats show (see SECTIONS)."""


class Renderer(Protocol):
    def __call__(self, explanation: Explanation, options: RenderOptions) -> str: ...


def _formats() -> dict[str, str]:
    """Every module in ``render/formats/`` is a format named after it: adding one is adding
    a module. Found by listing the folder, which imports nothing."""
    folder = os.path.join(os.path.dirname(__file__), "formats")
    names = sorted(
        name.removesuffix(".py")
        for name in os.listdir(folder)
        if name.endswith(".py") and not name.startswith("_")
    )
    return {name: f"{__name__}.formats.{name}" for name in names}


RENDERERS: dict[str, str] = _formats()
"""Format name to the module that renders it; each module offers ``render`` (and ``stream``
if it can write as it goes) and says with ``SUFFIX`` how its files are named."""


def renderer(format_name: str) -> Renderer:
    module = importlib.import_module(RENDERERS[format_name])
    render: Renderer = module.render
    return render


def stream(format_name: str, explanation: Explanation, options: RenderOptions) -> Iterable[str]:
    """The output in pieces, for formats that can write a large result as they go (json)."""
    module = importlib.import_module(RENDERERS[format_name])
    if hasattr(module, "stream"):
        pieces: Iterable[str] = module.stream(explanation, options)
        return pieces
    return [module.render(explanation, options)]


class Writer(NamedTuple):
    """Where a report or worksheet format is written, named so that listing it imports nothing.

    A NamedTuple rather than a dataclass: it is built at every start of the command,
    and costs a sixth of the time (50 µs against 300 µs).
    """

    module: str
    function: str
    suffix: str
    """The file name suffix of its output (golden files, ``quiz --out``)."""

    def load(self) -> Any:
        return getattr(importlib.import_module(self.module), self.function)


_REPORT = "autodiff_cli.render.report"
REPORTS: dict[str, Writer] = {
    "text": Writer(_REPORT, "render_text", "txt"),
    "json": Writer(_REPORT, "render_json", "json"),
    "gradescope": Writer("autodiff_cli.render.gradescope", "render_gradescope", "json"),
    "csv": Writer("autodiff_cli.render.spreadsheet", "render_csv", "csv"),
}
"""Homework report formats (``check --format``): each a function of a ``Report``."""

_WORKSHEET = "autodiff_cli.render.worksheet"
WORKSHEETS: dict[str, Writer] = {
    "markdown": Writer(_WORKSHEET, "markdown", "md"),
    "latex": Writer(_WORKSHEET, "latex", "tex"),
}
"""Worksheet formats (``quiz --worksheet``): each a function of the problems and ``key``."""
