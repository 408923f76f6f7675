"""The README answers what a new user asks, and only names flags that exist."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import typer

from auditor.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
# Lines quoting other tools' commands, whose flags are not ours.
_OTHER_TOOLS = re.compile(r"\bsf (org|auth|project)|openssl|pip |pipx|pytest|bench/|bench\.py|python -m")


def _our_flags() -> set[str]:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    flags = {"--help"}
    flags.update(name for param in group.params for name in param.opts if name.startswith("--"))  # --version
    for command in group.commands.values():
        for param in command.params:
            flags.update(name for name in (*param.opts, *param.secondary_opts) if name.startswith("--"))
    return flags


def test_every_flag_the_readme_names_exists() -> None:
    named: set[str] = set()
    for line in README.splitlines():
        if not _OTHER_TOOLS.search(line):
            named.update(re.findall(r"(?<![\w-])--[a-z][a-z-]+", line))
    assert named - _our_flags() == set()
    assert {"--quiet", "--trust-status", "--no-trust-status"} <= _our_flags()


def test_the_first_two_commands_install_and_demo_then_install_and_test() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, re.S)
    assert "auditor audit --replay cassettes/demo.yaml" in blocks[0]
    assert "pip install -q -e '.[test]'" in blocks[1] and "pytest" in blocks[1]


def test_no_link_leaves_the_repository() -> None:
    assert "../shared" not in README and "/work/" not in README
    for target in re.findall(r"\]\((?!https?://|#)([^)]+)\)", README):
        assert (ROOT / target).exists(), target


def test_anchors_point_at_sections() -> None:
    slugs = {re.sub(r"[^a-z0-9 -]", "", title.lower()).replace(" ", "-")
             for title in re.findall(r"^#+ (.+)$", README, re.M)}
    for anchor in re.findall(r"\]\(#([^)]+)\)", README):
        assert anchor in slugs, anchor


def test_install_names_the_package_and_the_command() -> None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    install = README.split("## Install", 1)[1].split("\n## ", 1)[0]
    assert f"`{project['name']}`" in install and "pipx install" in install
    assert list(project["scripts"]) == ["auditor"] and "`auditor`" in install


@pytest.mark.parametrize("question", [
    "## Permissions the auditing user needs", "View Setup and Configuration", "Manage Users",
    "sf org auth show-access-token", "sf org display", "JWT Bearer Flow", "HTTPS_PROXY",
    "REQUESTS_CA_BUNDLE", "## Troubleshooting", "My Domain", "Sandbox", "Expired", "| 130 |",
    "internal error", "if: always()", "pip install", "NO_COLOR", "FORCE_COLOR",
])
def test_the_readme_answers(question: str) -> None:
    assert question in README
