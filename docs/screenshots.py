"""The README's two pictures, made as a student would see them, in Debian's Chromium.

    python docs/screenshots.py page        # docs/page.png: the step-through page
    python docs/screenshots.py notebook    # docs/notebook.png: a notebook cell
    python docs/screenshots.py blocks      # docs/page-blocks.png: a network's blocks view

Needs the test extra (Playwright, nbclient, nbconvert, ipykernel), ``chromium`` and, for
the notebook's typeset math, Debian's ``libjs-mathjax`` (nbconvert would otherwise ask a
CDN for MathJax, and this is made offline).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
EXAMPLE = ["y - max(0,w*x+b)", "--at", "y=5,w=2,x=1,b=1", "--wrt", "w"]
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MATHJAX = Path("/usr/share/javascript/mathjax/MathJax.js")


def browser(playwright: object) -> object:
    return playwright.chromium.launch(  # type: ignore[attr-defined]
        executable_path="/usr/bin/chromium", args=FLAGS, headless=True
    )


def _write_page(folder: Path, args: list[str]) -> Path:
    html = folder / "page.html"
    html.write_text(
        subprocess.run(
            [sys.executable, "-m", "autodiff_cli", *args, "--format", "html"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout,
        encoding="utf-8",
    )
    return html


def page(folder: Path) -> None:
    """The reverse sweep four terms in, with w6 chosen: its paths down to w are lit."""
    from playwright.sync_api import sync_playwright

    html = _write_page(folder, EXAMPLE)
    with sync_playwright() as playwright:
        chromium = browser(playwright)
        tab = chromium.new_page(viewport={"width": 1280, "height": 820})  # type: ignore[attr-defined]
        tab.goto(html.as_uri())
        tab.wait_for_selector("body[data-ready=true]")
        tab.keyboard.press("3")
        for _ in range(4):
            tab.keyboard.press("ArrowRight")
        tab.click('g.node[data-node="w6"]')
        tab.screenshot(path=str(DOCS / "page.png"))
        chromium.close()  # type: ignore[attr-defined]


def blocks(folder: Path) -> None:
    """samples/two_layer_network.toml's blocks in the reverse sweep, 17 steps in: V's
    gradient has just been completed, W's is still gathering terms; W[1,2] chosen."""
    from playwright.sync_api import sync_playwright

    html = _write_page(folder, ["--file", str(DOCS.parent / "samples" / "two_layer_network.toml")])
    with sync_playwright() as playwright:
        chromium = browser(playwright)
        tab = chromium.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
        tab.goto(html.as_uri())
        tab.wait_for_selector("body[data-ready=true]")
        tab.keyboard.press("3")
        for _ in range(17):
            tab.keyboard.press("ArrowRight")
        tab.click('[data-block="W"] table.value td[data-node="w2"]')
        tab.locator("#blocks").screenshot(path=str(DOCS / "page-blocks.png"))
        chromium.close()  # type: ignore[attr-defined]


def notebook(folder: Path) -> None:
    """docs/example.ipynb run by a real kernel, converted by nbconvert, its first output shown."""
    import nbclient
    import nbconvert
    import nbformat
    from playwright.sync_api import sync_playwright

    book = nbformat.read(DOCS / "example.ipynb", as_version=4)
    nbclient.NotebookClient(book, timeout=120, kernel_name="python3").execute()
    exporter = nbconvert.HTMLExporter()
    if MATHJAX.exists():
        exporter.mathjax_url = f"{MATHJAX.as_uri()}?config=TeX-AMS_CHTML-full"
    body, _ = exporter.from_notebook_node(book)
    html = folder / "notebook.html"
    html.write_text(body, encoding="utf-8")
    with sync_playwright() as playwright:
        chromium = browser(playwright)
        tab = chromium.new_page(viewport={"width": 1100, "height": 900})  # type: ignore[attr-defined]
        tab.goto(html.as_uri())
        tab.wait_for_selector(".adexplain")
        tab.wait_for_timeout(3000)  # MathJax typesets after the page has loaded
        tab.locator(".jp-Cell").nth(0).screenshot(path=str(DOCS / "notebook.png"))
        chromium.close()  # type: ignore[attr-defined]


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        {"page": page, "notebook": notebook, "blocks": blocks}[sys.argv[1]](Path(folder))
