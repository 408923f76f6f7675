"""Regenerate cassettes/*.yaml by recording real CLI audits against the Salesforce simulator.

    python tests/regen_cassettes.py            # all scenarios
    python tests/regen_cassettes.py demo flaky # some

Each cassette is what `auditor audit --record` writes for that scenario: the same code path a
user with a real org uses to send us a recording.
"""

from __future__ import annotations

import sys
from pathlib import Path

import responses

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.clirun import CliResult, run_cli  # noqa: E402
from tests.simulator.scenarios import SCENARIOS, Scenario  # noqa: E402

CASSETTES = ROOT / "cassettes"
INPUTS = CASSETTES / "inputs"
# Obviously fake; never written anywhere (request headers are not recorded).
FAKE_TOKEN = "00DFAKE000000000!FAKE.TOKEN.FOR.RECORDING"


def scenario_args(scenario: Scenario) -> list[str]:
    return [a.replace("{dir}", str(INPUTS.relative_to(ROOT))) for a in scenario.args]


def record(scenario: Scenario, target: Path) -> CliResult:
    INPUTS.mkdir(parents=True, exist_ok=True)
    for name, content in scenario.files.items():
        (INPUTS / name).write_text(content, encoding="utf-8")
    org = scenario.build()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        org.install(mock)
        return run_cli("audit", "--instance-url", org.base, "--access-token", FAKE_TOKEN,
                       "--record", str(target), "--format", "json", *scenario_args(scenario))


def main(names: list[str]) -> int:
    import os

    os.chdir(ROOT)
    for name in names or sorted(SCENARIOS):
        result = record(SCENARIOS[name], CASSETTES / f"{name}.yaml")
        print(f"{name}: exit {result.exit_code}; {result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
