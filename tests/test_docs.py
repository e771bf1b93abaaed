"""The README keeps up with the code: every module is in its layout map."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_the_layout_map_names_every_module() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("Layout.") : readme.index("Adding an operation is one entry")]
    package = REPO / "autodiff_cli"
    modules = [path for path in package.rglob("*.py") if path.name != "__init__.py"]
    assert modules
    missing = [
        str(path.relative_to(package))
        for path in modules
        if f"`{path.name}`" not in layout and f"{path.relative_to(package)}`" not in layout
    ]
    assert not missing, f"README's layout map does not name {missing}"
