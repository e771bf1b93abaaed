"""The README keeps up with the code: every module is in its layout map, and every example
of the explain command prints what the README shows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from .helpers import run

REPO = Path(__file__).resolve().parent.parent
SUBCOMMANDS = ("check", "quiz", "autograder")
"""Their examples are the grading side's to keep; this test reads the explain command's."""


def readme_examples() -> list[tuple[str, list[str]]]:
    """Each ``$ adexplain ...`` line in a README code block, with the lines shown after it."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    examples: list[tuple[str, list[str]]] = []
    for block in re.findall(r"^```\n(.*?)^```", readme, flags=re.MULTILINE | re.DOTALL):
        if not block.startswith("$ adexplain"):
            continue  # a file's text, or a command shown without its output
        continued = False
        for line in block.splitlines():
            if line.startswith("$ adexplain") or continued:
                command = line[2:] if line.startswith("$ ") else line
                if continued:
                    examples[-1] = (examples[-1][0] + " " + command.strip(), [])
                else:
                    examples.append((command, []))
                continued = examples[-1][0].endswith("\\")
                if continued:
                    examples[-1] = (examples[-1][0][:-1].rstrip(), [])
            else:
                examples[-1][1].append(line.rstrip())
    return [
        (command, shown)
        for command, shown in examples
        if shlex.split(command)[1:2] not in ([name] for name in SUBCOMMANDS)
    ]


@pytest.mark.parametrize(("command", "shown"), readme_examples())
def test_a_readme_example_prints_what_the_readme_shows(
    command: str, shown: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    result = run(*shlex.split(command)[1:])
    printed = [line.rstrip() for line in (result.stdout + result.stderr).splitlines()]
    if "..." not in shown:
        assert printed == shown, command
        return
    # "..." stands for lines left out: the others appear in this order.
    lines = iter(printed)
    missing = [line for line in shown if line != "..." and line not in lines]
    assert not missing, (command, missing)


def test_the_readme_examples_are_found() -> None:
    commands = [command for command, _ in readme_examples()]
    assert any(command.startswith('adexplain "a = x*x; a + a"') for command in commands)
    assert any("sine(x)" in command for command in commands)


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
