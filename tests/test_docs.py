"""The README keeps up with the code: every module is in its layout map."""

from __future__ import annotations

import re
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


def test_the_error_list_names_every_code_the_package_raises() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    errors = readme[readme.index("**Errors** start with") :].split("\n\n")[0]
    source = "".join(path.read_text() for path in (REPO / "autodiff_cli").rglob("*.py"))
    codes = set(re.findall(r'code="([a-z-]+)"', source))
    assert "bad-answer" in codes
    missing = sorted(code for code in codes if f"`{code}`" not in errors)
    assert not missing, f"README's list of error codes does not name {missing}"
