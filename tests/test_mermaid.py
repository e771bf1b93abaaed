"""Mermaid, rendered by Mermaid: every Mermaid golden and every ```mermaid block of the
Markdown goldens is drawn by Mermaid's own command-line renderer (mermaid-cli, from
.ci/mermaid, on Debian's Chromium), and any parse error fails.

Skipped where mermaid-cli or Chromium is missing, except in CI, where it fails
(.ci/run installs both).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from .helpers import GOLDEN, REPO, tool

MERMAID = REPO / ".ci" / "mermaid"
MMDC = MERMAID / "node_modules" / ".bin" / "mmdc"
BLOCK = re.compile(r"^```mermaid\n(.*?)^```$", re.M | re.S)


def _diagrams() -> list[tuple[str, str]]:
    """(where it comes from, the diagram) for every Mermaid golden and Markdown block."""
    found = [(path.name, path.read_text(encoding="utf-8")) for path in sorted(GOLDEN.glob("*.mmd"))]
    for path in sorted(GOLDEN.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        found += [
            (f"{path.name}, block {i}", block) for i, block in enumerate(BLOCK.findall(text), 1)
        ]
    return found


def _mmdc() -> Path:
    tool("chromium")
    if not MMDC.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{MMDC} is missing; .ci/run installs it (npm ci in .ci/mermaid)")
        pytest.skip("mermaid-cli is not installed (cd .ci/mermaid && npm ci)")
    return MMDC


def test_there_are_diagrams_of_both_kinds() -> None:
    sources = [name for name, _ in _diagrams()]
    assert any(name.endswith(".mmd") for name in sources)
    assert any(", block" in name for name in sources)


def test_every_diagram_renders_with_mermaid(tmp_path: Path) -> None:
    mmdc = _mmdc()
    diagrams = _diagrams()
    # One Markdown file holding every diagram: mermaid-cli draws them all in one browser.
    document = tmp_path / "all.md"
    document.write_text(
        "".join(f"{name}\n\n```mermaid\n{text.rstrip()}\n```\n\n" for name, text in diagrams),
        encoding="utf-8",
    )
    done = subprocess.run(
        [
            str(mmdc),
            "-p",
            str(MERMAID / "puppeteer.json"),
            "-i",
            str(document),
            "-o",
            str(tmp_path / "out.md"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    drawn = [tmp_path / f"out-{i}.svg" for i in range(1, len(diagrams) + 1)]
    failed = next(
        (name for (name, _), svg in zip(diagrams, drawn, strict=True) if not svg.exists()), None
    )
    assert done.returncode == 0 and failed is None, f"{failed}:\n{done.stderr[-3000:]}"
    for (name, text), svg in zip(diagrams, drawn, strict=True):
        picture = svg.read_text(encoding="utf-8")
        assert "Syntax error" not in picture, name
        # Every node of the diagram is in the picture, under Mermaid's own id for it.
        for node in re.findall(r"^  (n\d+)[\[(]", text, re.M):
            assert f"flowchart-{node}-" in picture, (name, node)


def test_a_parse_error_fails(tmp_path: Path) -> None:
    """The renderer says no to a diagram Mermaid cannot parse (an unclosed label)."""
    mmdc = _mmdc()
    broken = tmp_path / "broken.mmd"
    broken.write_text('flowchart BT\n  n0["a"] -->|"x| n1\n', encoding="utf-8")
    done = subprocess.run(
        [
            str(mmdc),
            "-p",
            str(MERMAID / "puppeteer.json"),
            "-i",
            str(broken),
            "-o",
            str(tmp_path / "b.svg"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and "Parse error" in done.stderr
    assert not (tmp_path / "b.svg").exists()
