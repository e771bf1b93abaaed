"""The Gradescope autograder bundle (``adexplain autograder``): one zip a teacher uploads.

Gradescope unzips the bundle into ``/autograder/source``, runs ``setup.sh`` once as root
when it builds the image, and for every upload copies the student's files into
``/autograder/submission`` and runs ``run_autograder``, which must leave
``/autograder/results/results.json`` (Gradescope's "Autograder specifications").

The bundle holds the assignment, this package's own source (so the image runs exactly
the version that wrote it, with no index to reach but the one pip installs click, rich
and lark from) and the two scripts. ``run_autograder`` always leaves a valid
results.json: if the grader itself fails, it writes a score of 0 that says so.

Gradescope's default base image is Ubuntu 22.04, whose Python is 3.10: the package
supports 3.10 (tomli stands in for tomllib there), and setup.sh stops with a clear
message on anything older.
"""

from __future__ import annotations

import importlib.metadata
import shlex
import stat
import zipfile
from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path

from .errors import AdexplainError
from .problem import read_text

KEY_NAME = "assignment.toml"
LIBRARY = "lib"
"""Where the package's source goes inside the bundle (on PYTHONPATH when it runs)."""
OLDEST_PYTHON = (3, 10)


def requirements() -> list[str]:
    """The package's run-time requirements, as its metadata declares them (pyproject.toml)."""
    try:
        declared = importlib.metadata.requires("adexplain") or []
    except importlib.metadata.PackageNotFoundError:  # run from a source tree, uninstalled
        declared = []
    wanted = [r for r in declared if "extra ==" not in r]
    return wanted or [
        "click>=8.1",
        "rich>=13",
        "lark>=1.1.9",
        "tomli>=1.1,<2.3; python_version < '3.11'",
    ]


def setup_script() -> str:
    oldest = ".".join(map(str, OLDEST_PYTHON))
    packages = " ".join(shlex.quote(r) for r in requirements())
    return f"""#!/usr/bin/env bash
# Written by `adexplain autograder`. Gradescope runs it once, as root, to build the image.
set -euo pipefail
apt-get install -y python3 python3-pip
python3 - <<'PYTHON'
import sys
if sys.version_info < {OLDEST_PYTHON!r}:
    sys.exit(
        "adexplain needs Python {oldest} or newer; this image has "
        + sys.version.split()[0]
        + ": choose the Ubuntu 22.04 base image (or newer) in the autograder settings"
    )
PYTHON
# Ubuntu 24.04 marks its Python as managed by apt (PEP 668); older pips ignore the variable.
PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install {packages}
"""


def run_script(check_options: Sequence[str]) -> str:
    options = " ".join(shlex.quote(option) for option in check_options)
    return f"""#!/usr/bin/env bash
# Written by `adexplain autograder`: grades the upload in submission/ against {KEY_NAME}.
# Gradescope runs it in /autograder; AUTOGRADER_ROOT moves that elsewhere for a trial run.
set -u
root="${{AUTOGRADER_ROOT:-/autograder}}"
mkdir -p "$root/results"
results="$root/results/results.json"
PYTHONPATH="$root/source/{LIBRARY}${{PYTHONPATH:+:$PYTHONPATH}}" python3 -m autodiff_cli check \\
    --key "$root/source/{KEY_NAME}" "$root/submission" --format gradescope {options} \\
    > "$results.new"
status=$?
# 0, 1 and 2 are graded, wrong or not gradable: each wrote a results.json. Anything else
# is the grader failing, and the student must still get an answer.
if [ "$status" -le 2 ] && [ -s "$results.new" ]; then
    mv "$results.new" "$results"
else
    message="The autograder could not run (exit $status); please tell your teacher."
    printf '{{"score": 0, "output": "%s", "tests": []}}\\n' "$message" > "$results"
    rm -f "$results.new"
fi
"""


def _package_files() -> Iterator[tuple[str, bytes]]:
    """(name in the bundle, content) of every file of this package (modules and their data:
    the grammar, which a source checkout keeps apart, and the page's assets)."""
    package = Path(__file__).resolve().parent
    found: dict[str, bytes] = {}
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            found[f"{LIBRARY}/autodiff_cli/{path.relative_to(package).as_posix()}"] = (
                path.read_bytes()
            )
    # Inside the package in a wheel; one folder up in a source checkout (editable install).
    grammar = resources.files("autodiff_cli.grammar")
    for name in ("__init__.py", "expr.lark", "expr.tables.json"):
        found.setdefault(
            f"{LIBRARY}/autodiff_cli/grammar/{name}", grammar.joinpath(name).read_bytes()
        )
    yield from found.items()


def write_bundle(key: str | Path, out: str | Path, check_options: Sequence[str] = ()) -> list[str]:
    """Write the zip; return the names in it. ``check_options`` are passed to ``check``."""
    key_bytes = read_text(key).encode()  # bounded and checked, as every problem file is
    entries: list[tuple[str, bytes, bool]] = [
        ("setup.sh", setup_script().encode(), True),
        ("run_autograder", run_script(check_options).encode(), True),
        (KEY_NAME, key_bytes, False),
        *((name, content, False) for name, content in _package_files()),
    ]
    try:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
            for name, content, executable in entries:
                info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
                mode = 0o755 if executable else 0o644
                info.external_attr = (stat.S_IFREG | mode) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                bundle.writestr(info, content)
    except OSError as err:
        raise AdexplainError(f"cannot write {out}: {err.strerror}", code="file") from None
    return [name for name, _, _ in entries]
