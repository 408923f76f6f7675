"""Start-up stays light: `auditor --help`, `--version` and `checks` load no HTTP, login or YAML
library (issue 11; bench/startup.py measures the time, this locks the cause)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("simple_salesforce", "requests", "urllib3", "responses", "yaml", "zeep", "cryptography",
         "auditor.connect", "auditor.collect", "auditor.transport", "auditor.cassette")
_PROBE = """
import sys
from auditor.cli import main
sys.argv = ["auditor", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    code = exc.code
heavy = sorted(m for m in sys.modules if m in HEAVY or m.split(".")[0] in HEAVY)
sys.stderr.write("\\nEXIT=%s HEAVY=%s\\n" % (code, ",".join(heavy)))
"""


def _loaded_after(*args: str) -> tuple[str, list[str]]:
    code = f"HEAVY = {HEAVY!r}\n{_PROBE}"
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)
    last = done.stderr.strip().splitlines()[-1]
    status, _, heavy = last.partition(" HEAVY=")
    return status, [name for name in heavy.split(",") if name]


@pytest.mark.parametrize("args", [("--help",), ("--version",), ("checks",), ("checks", "--format", "json"), ()])
def test_light_commands_import_nothing_heavy(args: tuple[str, ...]) -> None:
    status, heavy = _loaded_after(*args)
    assert status in ("EXIT=0", "EXIT=2"), status  # no arguments: help, exit 2 by click's convention
    assert heavy == []


def test_an_audit_does_load_the_layers() -> None:
    # The probe can tell: a replayed audit needs the collector and the cassette.
    status, heavy = _loaded_after("audit", "--replay", str(ROOT / "cassettes" / "demo.yaml"), "-f", "json")
    assert status == "EXIT=1"
    assert "auditor.collect" in heavy and "auditor.cassette" in heavy and "requests" in heavy


def test_version_prints_the_installed_version() -> None:
    from importlib.metadata import version

    done = subprocess.run([sys.executable, "-c", "from auditor.cli import main; main()", "--version"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0
    assert done.stdout == f"auditor {version('hubspot-sf-auditor')}\n"
    assert done.stderr == ""
