"""How `--help` reads: the option panels, the examples after each command, --help itself.

The options are declared in auditor/cli.py with ``rich_help_panel=`` one of the panel names
below; help texts are Rich markup (the app sets ``rich_markup_mode="rich"``), so a literal "["
is written "\\[".
"""

from __future__ import annotations

import typer
from typer.core import TyperCommand, TyperGroup, TyperOption

# Help panels, by what the user is deciding (other commands' options use the same names).
CONNECTION, WHAT_TO_AUDIT, INPUTS = "Connection", "What to audit", "Inputs"
OUTPUT, RECORDING, NETWORK = "Output", "Recording and replay", "Network"


class AuditorCommand(TyperCommand):
    """Typer's command with --help under the Output panel and shown without a "<bool>" type."""

    # typer.Context is the (vendored) click Context the base class names.
    def get_help_option(self, ctx: typer.Context) -> TyperOption | None:  # type: ignore[override]
        option = super().get_help_option(ctx)
        if option is not None:
            option.metavar = ""
            option.rich_help_panel = OUTPUT
        return option


class AuditorGroup(TyperGroup):
    """The top-level group: its --help without a "<bool>" type either."""

    # typer.Context is the (vendored) click Context the base class names.
    def get_help_option(self, ctx: typer.Context) -> TyperOption | None:  # type: ignore[override]
        option = super().get_help_option(ctx)
        if option is not None:
            option.metavar = ""
        return option


# Examples after each command's options (Rich markup: "[" would need escaping). Kept under 76
# columns so that an 80-column terminal shows them unwrapped.
EXAMPLES = {
    "main": """\
Examples:
  auditor audit --replay cassettes/demo.yaml   the demo org, offline
  auditor whoami --target-org hubspot-prod     who an audit would run as
  auditor audit --target-org hubspot-prod      audit a Salesforce CLI login
  auditor checks                               the checks and their ids

Exit status: 0 nothing fails, 1 a suspension is predicted, 2 usage error,
3 the audit could not complete, 130 interrupted.""",
    "audit": """\
Examples:
  export SF_INSTANCE_URL=https://acme.my.salesforce.com   # the token: prompted
  auditor audit --hubspot-allocation 20000 --expected-records 50000
  auditor audit --target-org hubspot-prod -f json -o report.json
  auditor audit --target-org admin --user hubspot.sync@acme.com
  auditor audit --replay cassettes/demo.yaml -f markdown
  auditor audit --target-org my-org --record my-org.yaml --anonymize

Exit status: 0 nothing fails, 1 a suspension is predicted, 2 usage error,
3 the audit could not complete. NO_COLOR=1 turns colour off.""",
    "whoami": """\
Examples:
  auditor whoami --target-org hubspot-prod
  auditor whoami --instance-url https://acme.my.salesforce.com
  auditor whoami --replay cassettes/demo.yaml -f json

Exit status 3 when the org or the user could not be read.""",
    "explain": """\
Examples:
  auditor explain Contact.MailingCountry --replay cassettes/demo.yaml
  auditor explain Campaign --target-org hubspot-prod
  auditor explain Lead.Fax --target-org admin --user hubspot.sync@acme.com

Connection options are those of audit.""",
    "checks": """\
Examples:
  auditor checks
  auditor checks -f json

Check ids never change: use them with audit --skip.""",
}
