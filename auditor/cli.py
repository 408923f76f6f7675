"""The command line: declares the options, builds typed requests, calls the command modules.

This is the composition root and nothing more: each command's work lives in auditor/commands/
(audit, whoami, explain, fix, diff, checks; session.py connects and collects), its output in
auditor/report/, the help's look in auditor/cli_help.py.

Exit statuses (a contract, documented in the README and tested):
  0  nothing fails
  1  at least one suspension is predicted (a finding with status fail)
  2  usage error: bad flag, unreadable or malformed input file, missing setting
  3  the audit could not complete: login refused, host unreachable, session expired, no access
     to the setup objects (error findings and no fail)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from auditor.cli_help import (
    CONNECTION,
    EXAMPLES,
    INPUTS,
    NETWORK,
    OUTPUT,
    RECORDING,
    WHAT_TO_AUDIT,
    AuditorCommand,
    AuditorGroup,
)
from auditor.commands.console import say as _say
from auditor.diff import DiffFormat
from auditor.errors import AuditorError, ExitStatus
from auditor.model import FailOn
from auditor.redact import Redactor, active, redacting
from auditor.report import OutputFormat
from auditor.report.text_or_json import TextOrJson
from auditor.settings import ConnectionFlags

# Start-up: `auditor --help`, `--version` and `checks` import nothing heavy. The layers that load
# HTTP and login libraries (auditor.connect: simple-salesforce, zeep; auditor.collect and
# auditor.transport: requests; auditor.cassette: responses, yaml), the checks and the command
# modules are imported inside the commands that use them (bench/startup.py measures the difference).

app = typer.Typer(
    cls=AuditorGroup,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=EXAMPLES["main"],
    no_args_is_help=True,
    help="Preflight auditor for the HubSpot-Salesforce integration: predicts which of HubSpot's "
    "suspensions would occur, why, and how to fix each. Read-only against the org.",
)


def _print_version(wanted: bool) -> None:
    if wanted:
        from auditor.version import TOOL_NAME, tool_version

        typer.echo(f"{TOOL_NAME} {tool_version()}")
        raise typer.Exit(ExitStatus.OK)


@app.callback()
def _root(
    show_version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                      help="Print the auditor's version and exit."),
) -> None:
    """Options for every command (the app's help text is given to typer.Typer above)."""


# ----------------------------------------------------------------------------- options, declared once

# Help texts are Rich markup (rich_markup_mode="rich"): a literal "[" must be written "\\[".
# Flags get metavar="" so that the help shows no "<bool>" for them.

InstanceUrl = Annotated[Optional[str], typer.Option("--instance-url", envvar="SF_INSTANCE_URL", metavar="URL", rich_help_panel=CONNECTION, help="Org URL for an existing session (https://NAME.my.salesforce.com).")]
AccessToken = Annotated[Optional[str], typer.Option("--access-token", envvar="SF_ACCESS_TOKEN", metavar="TOKEN", rich_help_panel=CONNECTION, help="Access token (session id) of the integration user. Prefer the environment variable.", show_default=False)]
Username = Annotated[Optional[str], typer.Option("--username", envvar="SF_USERNAME", metavar="USER", rich_help_panel=CONNECTION, help="Integration user's username (password and JWT flows).")]
Password = Annotated[Optional[str], typer.Option("--password", envvar="SF_PASSWORD", metavar="PASS", rich_help_panel=CONNECTION, help="Password (prefer the environment; prompted on a terminal when missing).", show_default=False)]
SecurityToken = Annotated[Optional[str], typer.Option("--security-token", envvar="SF_SECURITY_TOKEN", metavar="TOKEN", rich_help_panel=CONNECTION, help="Security token appended to the password (may be empty).", show_default=False)]
Domain = Annotated[Optional[str], typer.Option("--domain", envvar="SF_DOMAIN", metavar="DOMAIN", rich_help_panel=CONNECTION, help="login (production), test (sandbox) or NAME.my (My Domain).")]
ClientId = Annotated[Optional[str], typer.Option("--client-id", envvar="SF_CLIENT_ID", metavar="KEY", rich_help_panel=CONNECTION, help="Connected app consumer key (JWT and client credentials flows).")]
ClientSecret = Annotated[Optional[str], typer.Option("--client-secret", envvar="SF_CLIENT_SECRET", metavar="SECRET", rich_help_panel=CONNECTION, help="Connected app consumer secret (client credentials flow; prefer the environment).", show_default=False)]
PrivateKeyFile = Annotated[Optional[str], typer.Option("--private-key-file", envvar="SF_JWT_KEY_FILE", metavar="PEM", rich_help_panel=CONNECTION, help="Private key of the connected app's certificate (JWT flow). SF_JWT_KEY may hold the key itself.")]
TargetOrg = Annotated[Optional[str], typer.Option("--target-org", envvar="SF_TARGET_ORG", metavar="ALIAS", rich_help_panel=CONNECTION, help="Reuse a Salesforce CLI (sf) org alias or username.")]
TargetOrgs = Annotated[Optional[list[str]], typer.Option("--target-org", envvar="SF_TARGET_ORG", metavar="ALIAS", help="Reuse a Salesforce CLI (sf) org alias or username. Repeat it (or set orgs = [...] in the settings file) to audit several orgs concurrently into one combined report.", rich_help_panel=CONNECTION)]
ApiVersion = Annotated[Optional[str], typer.Option("--api-version", envvar="SF_API_VERSION", metavar="N.0", rich_help_panel=CONNECTION, help="Salesforce API version (default 62.0; at least 52.0).")]
Timeout = Annotated[Optional[float], typer.Option("--timeout", min=1.0, metavar="SECONDS", rich_help_panel=NETWORK, help="Seconds to wait for each answer (default 30).")]
Deadline = Annotated[Optional[float], typer.Option("--deadline", min=1.0, metavar="SECONDS", rich_help_panel=NETWORK, help="Seconds the whole audit may take (default: none).")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", metavar="", rich_help_panel=OUTPUT, help="Only the report and errors: no progress and no informational lines on stderr.")]
Debug = Annotated[bool, typer.Option("--debug", metavar="", rich_help_panel=NETWORK, help="Log every request (method, path, status, time, API calls) on stderr; secrets redacted.")]
Replay = Annotated[Optional[Path], typer.Option("--replay", metavar="FILE", rich_help_panel=RECORDING, help="Run offline against a recorded cassette (responses' YAML format).", dir_okay=False)]
ConfigFile = Annotated[Optional[Path], typer.Option("--config", envvar="AUDITOR_CONFIG", metavar="FILE", rich_help_panel=INPUTS, help="Settings file (default: ./auditor.toml, or \\[tool.auditor] in ./pyproject.toml).", dir_okay=False)]
TextOrJsonFormat = Annotated[TextOrJson, typer.Option("--format", "-f", metavar="text|json", rich_help_panel=OUTPUT, help="Output format.")]
Mappings = Annotated[Optional[Path], typer.Option("--mappings", metavar="FILE", rich_help_panel=INPUTS, help="Field mappings file (.csv or .toml). Default: HubSpot's standard mappings.", dir_okay=False)]


def _flags(instance_url: str | None, access_token: str | None, username: str | None, password: str | None,
           security_token: str | None, domain: str | None, client_id: str | None, client_secret: str | None,
           private_key_file: str | None, target_org: str | None, api_version: str | None) -> ConnectionFlags:
    """The connection flags in declaration order (every command lists them alike)."""
    return ConnectionFlags(instance_url, access_token, username, password, security_token, domain, client_id,
                           client_secret, private_key_file, target_org, api_version)


# ----------------------------------------------------------------------------- commands


@app.command(cls=AuditorCommand, epilog=EXAMPLES["audit"])
def audit(
    instance_url: InstanceUrl = None,
    access_token: AccessToken = None,
    username: Username = None,
    password: Password = None,
    security_token: SecurityToken = None,
    domain: Domain = None,
    client_id: ClientId = None,
    client_secret: ClientSecret = None,
    private_key_file: PrivateKeyFile = None,
    target_org: TargetOrgs = None,
    api_version: ApiVersion = None,
    user: Optional[str] = typer.Option(None, "--user", metavar="USER", rich_help_panel=WHAT_TO_AUDIT, help="Audit this user (username or 005 id) through setup objects, instead of the connected user."),
    skip: Optional[list[str]] = typer.Option(None, "--skip", metavar="CHECK", rich_help_panel=WHAT_TO_AUDIT, help="Skip this check id or family, e.g. 'sync' (repeatable; 'auditor checks' lists them)."),
    trust_status: bool = typer.Option(False, "--trust-status", metavar="", rich_help_panel=WHAT_TO_AUDIT, help="Also ask Salesforce Trust (public, no token sent) about incidents and maintenance on the org's instance: one more HTTP request, not an API call. Default: off, or the trust_status setting."),
    no_trust_status: bool = typer.Option(False, "--no-trust-status", metavar="", rich_help_panel=WHAT_TO_AUDIT, help="Do not ask Salesforce Trust, even if the settings file says trust_status = true."),
    mappings: Mappings = None,
    hubspot_allocation: Optional[int] = typer.Option(None, "--hubspot-allocation", min=0, metavar="CALLS", rich_help_panel=INPUTS, help="Salesforce API calls per rolling 24 h allocated to HubSpot (HubSpot: Sync Health, Allocated to HubSpot)."),
    expected_records: Optional[int] = typer.Option(None, "--expected-records", min=0, metavar="N", rich_help_panel=INPUTS, help="Records the initial sync will create or update in Salesforce (sizes API and storage needs)."),
    headroom: Optional[float] = typer.Option(None, "--headroom", min=0.0, max=100.0, metavar="PCT", rich_help_panel=INPUTS, help="Warn when less than this percentage of a limit is left (default 10)."),
    expiry_warning_days: Optional[int] = typer.Option(None, "--expiry-warning-days", min=0, metavar="DAYS", rich_help_panel=INPUTS, help="Warn when a needed permission comes only from assignments expiring within this many days (default 14, or the expiry_warning_days setting)."),
    config_file: ConfigFile = None,
    output_format: Optional[list[OutputFormat]] = typer.Option(None, "--format", "-f", metavar="FORMAT", rich_help_panel=OUTPUT, help="table (default), json, markdown, junit, csv or sarif. Repeat it with --output-dir for one file each (--output-dir alone writes every format); otherwise the last one wins."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE", rich_help_panel=OUTPUT, help="Write the report to this file instead of stdout ('-' is stdout).", dir_okay=False),
    output_dir: Optional[Path] = typer.Option(None, "--output-dir", metavar="DIR", rich_help_panel=OUTPUT, help="Write DIR/audit.<ext> for each --format (json, sarif, xml, md, csv, txt), each atomically; with several orgs also DIR/<org>/audit.<ext>.", file_okay=False),
    fail_on: Optional[FailOn] = typer.Option(None, "--fail-on", metavar="LEVEL", rich_help_panel=OUTPUT, help="What makes the exit status 1: fail (default), warn (a fail or a warn) or never. Ignored findings never do; exit 3 is unaffected. Settings key: fail_on."),
    verbose: bool = typer.Option(False, "--verbose", "-v", metavar="", rich_help_panel=OUTPUT, help="Show every passing finding in the table."),
    quiet: Quiet = False,
    replay: Replay = None,
    record: Optional[Path] = typer.Option(None, "--record", metavar="FILE", rich_help_panel=RECORDING, help="Record this audit as a cassette (secrets scrubbed) for offline replay or a bug report.", dir_okay=False),
    anonymize: bool = typer.Option(False, "--anonymize", metavar="", rich_help_panel=RECORDING, help="With --record: replace usernames, e-mails, names and ids by stable fakes."),
    snapshot_in: Optional[Path] = typer.Option(None, "--snapshot", metavar="FILE", rich_help_panel=RECORDING, help="Evaluate a saved snapshot instead of connecting.", dir_okay=False),
    save_snapshot: Optional[Path] = typer.Option(None, "--save-snapshot", metavar="FILE", rich_help_panel=RECORDING, help="Also save what was collected, for offline re-evaluation.", dir_okay=False),
    timeout: Timeout = None,
    deadline: Deadline = None,
    debug: Debug = False,
    jobs: Optional[int] = typer.Option(None, "--jobs", min=1, metavar="N", rich_help_panel=NETWORK, help="With several --target-org: orgs audited at the same time (default 4; settings key: jobs)."),
    strategy: str = typer.Option("composite", "--strategy", hidden=True, help="composite (default) or naive (one request per describe/query; the bench baseline)."),
) -> None:
    """Audit the org as the integration user and report which suspensions would occur."""
    from auditor.commands.audit import AuditRequest, run_audit

    run_audit(AuditRequest(
        connection=_flags(instance_url, access_token, username, password, security_token, domain, client_id,
                          client_secret, private_key_file, None, api_version),
        target_orgs=tuple(target_org or ()), user=user, skip=skip, trust_status=trust_status,
        no_trust_status=no_trust_status, mappings=mappings, hubspot_allocation=hubspot_allocation,
        expected_records=expected_records, headroom=headroom, expiry_warning_days=expiry_warning_days,
        config_file=config_file, output_format=output_format, output=output, output_dir=output_dir,
        fail_on=fail_on, verbose=verbose, quiet=quiet, replay=replay, record=record, anonymize=anonymize,
        snapshot_in=snapshot_in, save_snapshot=save_snapshot, timeout=timeout, deadline=deadline, debug=debug,
        jobs=jobs, strategy=strategy))


@app.command("checks", cls=AuditorCommand, epilog=EXAMPLES["checks"])
def list_checks(output_format: TextOrJsonFormat = TextOrJson.TEXT) -> None:
    """List every check: its stable id, suspension code and what it verifies."""
    from auditor.commands.checks import run_checks

    run_checks(output_format)


@app.command(cls=AuditorCommand, epilog=EXAMPLES["whoami"])
def whoami(
    instance_url: InstanceUrl = None,
    access_token: AccessToken = None,
    username: Username = None,
    password: Password = None,
    security_token: SecurityToken = None,
    domain: Domain = None,
    client_id: ClientId = None,
    client_secret: ClientSecret = None,
    private_key_file: PrivateKeyFile = None,
    target_org: TargetOrg = None,
    api_version: ApiVersion = None,
    output_format: TextOrJsonFormat = TextOrJson.TEXT,
    replay: Replay = None,
    timeout: Timeout = None,
    debug: Debug = False,
    config_file: ConfigFile = None,
) -> None:
    """Show the org, instance, edition, user and profile an audit would run as."""
    from auditor.commands.whoami import run_whoami

    run_whoami(_flags(instance_url, access_token, username, password, security_token, domain, client_id,
                      client_secret, private_key_file, target_org, api_version),
               output_format, replay=replay, timeout=timeout, debug=debug, config_file=config_file)


@app.command(cls=AuditorCommand, epilog=EXAMPLES["explain"])
def explain(
    target: str = typer.Argument(..., metavar="TARGET", help="OBJECT or OBJECT.FIELD, e.g. Contact or Contact.MailingCountry."),
    instance_url: InstanceUrl = None,
    access_token: AccessToken = None,
    username: Username = None,
    password: Password = None,
    security_token: SecurityToken = None,
    domain: Domain = None,
    client_id: ClientId = None,
    client_secret: ClientSecret = None,
    private_key_file: PrivateKeyFile = None,
    target_org: TargetOrg = None,
    api_version: ApiVersion = None,
    user: Optional[str] = typer.Option(None, "--user", metavar="USER", rich_help_panel=WHAT_TO_AUDIT, help="Explain for this user (username or 005 id) instead of the connected user."),
    mappings: Mappings = None,
    replay: Replay = None,
    snapshot_in: Optional[Path] = typer.Option(None, "--snapshot", metavar="FILE", rich_help_panel=RECORDING, help="Explain from a saved snapshot instead of connecting.", dir_okay=False),
    timeout: Timeout = None,
    deadline: Deadline = None,
    quiet: Quiet = False,
    debug: Debug = False,
    config_file: ConfigFile = None,
    output_format: TextOrJson = typer.Option(TextOrJson.TEXT, "--format", "-f", metavar="text|json", help="text or json."),
) -> None:
    """Show what the integration user can do on one object or field, which permission sets say so, the
    audit's verdict on it and its fix."""
    from auditor.commands.explain import run_explain

    run_explain(target, _flags(instance_url, access_token, username, password, security_token, domain, client_id,
                               client_secret, private_key_file, target_org, api_version),
                output_format, user=user, mappings=mappings, replay=replay, snapshot_in=snapshot_in,
                timeout=timeout, deadline=deadline, quiet=quiet, debug=debug, config_file=config_file)


@app.command()
def fix(
    instance_url: InstanceUrl = None,
    access_token: AccessToken = None,
    username: Username = None,
    password: Password = None,
    security_token: SecurityToken = None,
    domain: Domain = None,
    client_id: ClientId = None,
    client_secret: ClientSecret = None,
    private_key_file: PrivateKeyFile = None,
    target_org: TargetOrg = None,
    api_version: ApiVersion = None,
    user: Optional[str] = typer.Option(None, "--user", help="Fix for this user (username or 005 id), audited through setup objects."),
    mappings: Optional[Path] = typer.Option(None, "--mappings", help="Field mappings file (.csv or .toml). Default: HubSpot's standard mappings.", dir_okay=False),
    from_report: Optional[Path] = typer.Option(None, "--from-report", help="Build the fix from an `auditor audit -f json` report instead of connecting.", dir_okay=False),
    out: Optional[Path] = typer.Option(None, "--out", help="Write the SFDX source-format permission set and manifest/package.xml under this directory.", file_okay=False),
    name: str = typer.Option("HubSpot_Integration_Preflight_Fix", "--name", help="Permission set API name."),
    label: str = typer.Option("HubSpot Integration Preflight Fix", "--label", help="Permission set label."),
    force: bool = typer.Option(False, "--force", help="Replace an existing permission set or manifest file with other content under --out."),
    output_format: str = typer.Option("table", "--format", "-f", help="table, json or markdown."),
    replay: Replay = None,
    snapshot_in: Optional[Path] = typer.Option(None, "--snapshot", help="Fix from a saved snapshot instead of connecting.", dir_okay=False),
    timeout: Timeout = None,
    deadline: Deadline = None,
    debug: Debug = False,
    config_file: ConfigFile = None,
) -> None:
    """Write a permission set that grants exactly what the audit found missing, and list the manual steps."""
    from auditor.commands.fix import FixRequest, run_fix

    run_fix(FixRequest(
        connection=_flags(instance_url, access_token, username, password, security_token, domain, client_id,
                          client_secret, private_key_file, target_org, api_version),
        user=user, mappings=mappings, from_report=from_report, out=out, name=name, label=label, force=force,
        output_format=output_format, replay=replay, snapshot_in=snapshot_in, timeout=timeout, deadline=deadline,
        debug=debug, config_file=config_file))


@app.command("diff")
def diff_command(
    baseline: Path = typer.Argument(..., help="The earlier report (audit -f json), e.g. the last good run's.", dir_okay=False),
    current: Path = typer.Argument(..., help="The report to compare with it.", dir_okay=False),
    output_format: DiffFormat = typer.Option(DiffFormat.TABLE, "--format", "-f", help="Diff format.", rich_help_panel="Output"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the diff to this file instead of stdout.", dir_okay=False, rich_help_panel="Output"),
) -> None:
    """Compare two JSON reports: new failures, fixed ones, changed statuses, new and removed checks. Exit 1 when something regressed."""
    from auditor.commands.diff import run_diff

    run_diff(baseline, current, output_format, output)


# ----------------------------------------------------------------------------- entry point


def main() -> None:
    """Console entry point: one clear line and a documented exit status, never a traceback.

    The whole run writes through one Redactor (auditor/redact.py): stdout, stderr and every file."""
    with redacting(Redactor()):
        status = _run()
    sys.exit(status)


def _run() -> int:
    try:
        status = app(standalone_mode=False)
    except typer.Exit as exc:
        status = exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        _say("interrupted")
        status = ExitStatus.INTERRUPTED
    except typer.TyperException as exc:  # bad flag or value: Typer's (vendored click) usage errors
        _say(exc.format_message())
        status = ExitStatus.USAGE
    except AuditorError as exc:
        _say(str(exc))
        status = exc.exit_status
    except Exception as exc:  # a bug: one line, redacted, never a traceback
        _say(f"internal error ({type(exc).__name__}): {active().redact(str(exc))[:300]}; please report it")
        status = ExitStatus.INCOMPLETE
    return status if isinstance(status, int) else ExitStatus.OK
