"""The command line: parses flags, builds the connection, runs the layers, decides the exit status.

Exit statuses (a contract, documented in the README and tested):
  0  nothing fails
  1  at least one suspension is predicted (a finding with status fail)
  2  usage error: bad flag, unreadable or malformed input file, missing setting
  3  the audit could not complete: login refused, host unreachable, session expired, no access
     to the setup objects (error findings and no fail)
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import sys
import time
from time import perf_counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional
from urllib.parse import urlsplit

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
from auditor.config import AuditConfig
from auditor.diff import DiffFormat
from auditor.errors import AuditIncomplete, AuditorError, ExitStatus, UsageError
from auditor.model import FailOn, Ignore, Report, Status
from auditor.output import is_stdout, one_line, write_output
from auditor.redact import Redactor, active, redacting
from auditor.report import OutputFormat, render, summary_line
from auditor.settings import load_settings
from auditor.snapshot import (
    ApiUsage,
    OrgInfo,
    OrgSnapshot,
    SnapshotFormatError,
    Unavailable,
    UserInfo,
    snapshot_from_json,
    snapshot_to_json,
)
from auditor.terminal import in_ci, is_terminal, report_width, use_color

if TYPE_CHECKING:
    from auditor.anonymize import Anonymizer
    from auditor.collect import Strategy
    from auditor.connect import ConnectionOptions, Identity, OrgSession
    from auditor.progress import CollectProgress
    from auditor.transport import GuardedSession

# Start-up: `auditor --help`, `--version` and `checks` import nothing heavy. The layers that load
# HTTP and login libraries (auditor.connect: simple-salesforce, zeep; auditor.collect and
# auditor.transport: requests; auditor.cassette: responses, yaml) and the checks are imported
# inside the commands that use them (bench/startup.py measures the difference).

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


def _say(message: str) -> None:
    """One line on stderr: org text inside ``message`` cannot break the line or reach the terminal
    raw (control characters escaped, length capped); the run's redactor masks any secret."""
    typer.echo(f"auditor: {one_line(message)}", err=True)


def _informer(quiet: bool) -> Callable[[str], None]:
    """Where the informational stderr lines go: ``_say``, or nowhere with --quiet (errors and
    the reason an audit could not complete are always said)."""
    return (lambda _message: None) if quiet else _say


def _progress(quiet: bool, debug: bool, instance_url: str | None) -> CollectProgress | None:
    """The collection's progress line: only for a person at a terminal (not --quiet, not CI,
    and not over the --debug request log)."""
    if quiet or debug or in_ci() or not is_terminal(sys.stderr):
        return None
    from auditor.progress import CollectProgress

    return CollectProgress(sys.stderr, urlsplit(instance_url or "").hostname or "Salesforce")


# ----------------------------------------------------------------------------- options

# Help texts are Rich markup (rich_markup_mode="rich"): a literal "[" must be written "\\[".
# Flags get metavar="" so that the help shows no "<bool>" for them.

InstanceUrl = typer.Option(None, "--instance-url", envvar="SF_INSTANCE_URL", metavar="URL", rich_help_panel=CONNECTION, help="Org URL for an existing session (https://NAME.my.salesforce.com).")
AccessToken = typer.Option(None, "--access-token", envvar="SF_ACCESS_TOKEN", metavar="TOKEN", rich_help_panel=CONNECTION, help="Access token (session id) of the integration user. Prefer the environment variable.", show_default=False)
Username = typer.Option(None, "--username", envvar="SF_USERNAME", metavar="USER", rich_help_panel=CONNECTION, help="Integration user's username (password and JWT flows).")
Password = typer.Option(None, "--password", envvar="SF_PASSWORD", metavar="PASS", rich_help_panel=CONNECTION, help="Password (prefer the environment; prompted on a terminal when missing).", show_default=False)
SecurityToken = typer.Option(None, "--security-token", envvar="SF_SECURITY_TOKEN", metavar="TOKEN", rich_help_panel=CONNECTION, help="Security token appended to the password (may be empty).", show_default=False)
Domain = typer.Option(None, "--domain", envvar="SF_DOMAIN", metavar="DOMAIN", rich_help_panel=CONNECTION, help="login (production), test (sandbox) or NAME.my (My Domain).")
ClientId = typer.Option(None, "--client-id", envvar="SF_CLIENT_ID", metavar="KEY", rich_help_panel=CONNECTION, help="Connected app consumer key (JWT and client credentials flows).")
ClientSecret = typer.Option(None, "--client-secret", envvar="SF_CLIENT_SECRET", metavar="SECRET", rich_help_panel=CONNECTION, help="Connected app consumer secret (client credentials flow; prefer the environment).", show_default=False)
PrivateKeyFile = typer.Option(None, "--private-key-file", envvar="SF_JWT_KEY_FILE", metavar="PEM", rich_help_panel=CONNECTION, help="Private key of the connected app's certificate (JWT flow). SF_JWT_KEY may hold the key itself.")
TargetOrg = typer.Option(None, "--target-org", envvar="SF_TARGET_ORG", metavar="ALIAS", rich_help_panel=CONNECTION, help="Reuse a Salesforce CLI (sf) org alias or username.")
ApiVersion = typer.Option(None, "--api-version", envvar="SF_API_VERSION", metavar="N.0", rich_help_panel=CONNECTION, help="Salesforce API version (default 62.0; at least 52.0).")
Timeout = typer.Option(None, "--timeout", min=1.0, metavar="SECONDS", rich_help_panel=NETWORK, help="Seconds to wait for each answer (default 30).")
Deadline = typer.Option(None, "--deadline", min=1.0, metavar="SECONDS", rich_help_panel=NETWORK, help="Seconds the whole audit may take (default: none).")
Quiet = typer.Option(False, "--quiet", "-q", metavar="", rich_help_panel=OUTPUT, help="Only the report and errors: no progress and no informational lines on stderr.")
Debug = typer.Option(False, "--debug", metavar="", rich_help_panel=NETWORK, help="Log every request (method, path, status, time, API calls) on stderr; secrets redacted.")
Replay = typer.Option(None, "--replay", metavar="FILE", rich_help_panel=RECORDING, help="Run offline against a recorded cassette (responses' YAML format).", dir_okay=False)
ConfigFile = typer.Option(None, "--config", envvar="AUDITOR_CONFIG", metavar="FILE", rich_help_panel=INPUTS, help="Settings file (default: ./auditor.toml, or \\[tool.auditor] in ./pyproject.toml).", dir_okay=False)
TextOrJson = typer.Option("text", "--format", "-f", metavar="text|json", rich_help_panel=OUTPUT, help="Output format.")


class _ConnectArgs:
    """The connection flags of one command, gathered so audit and whoami share them."""

    def __init__(self, **values: Any) -> None:
        self.values = values


# The connection flags every command shares (audit, whoami, explain declare them alike).
_CONNECTION_FLAGS = ("instance_url", "access_token", "username", "password", "security_token", "domain",
                     "client_id", "client_secret", "private_key_file", "target_org", "api_version")


def _connection_values(arguments: dict[str, Any]) -> dict[str, Any]:
    """The connection flags out of a command's arguments (its ``locals()``)."""
    return {name: arguments[name] for name in _CONNECTION_FLAGS}


def _connection_options(values: dict[str, Any], settings: dict[str, Any], replay_url: str | None) -> ConnectionOptions:
    """The login options from flags, environment and settings; UsageError for a bad --api-version."""
    from auditor.connect import ConnectionOptions, normalise_api_version

    def pick(name: str) -> Any:
        value = values.get(name)
        return value if value is not None else settings.get(name)

    private_key = None
    if pick("private_key_file") is None and os.environ.get("SF_JWT_KEY"):
        private_key = os.environ["SF_JWT_KEY"]
    instance_url = pick("instance_url")
    access_token = values.get("access_token")
    login_given = any(values.get(k) for k in ("username", "client_id", "target_org"))
    if replay_url is not None and not login_given:
        # Offline: the cassette answers; the session needs a token, which is never sent anywhere.
        instance_url = instance_url or replay_url
        access_token = access_token or "replay-token"
    options: dict[str, Any] = dict(
        instance_url=instance_url,
        access_token=access_token,
        username=pick("username"),
        password=values.get("password"),
        security_token=values.get("security_token"),
        client_id=pick("client_id"),
        client_secret=values.get("client_secret"),
        private_key_file=Path(pick("private_key_file")) if pick("private_key_file") else None,
        private_key=private_key,
        target_org=pick("target_org"),
    )
    if pick("domain"):
        options["domain"] = pick("domain")
    if pick("api_version"):
        # Checked here, before anything is sent: "62", "v62.0" and 62.0 (TOML) all become "62.0".
        options["api_version"] = normalise_api_version(str(pick("api_version")))
    return ConnectionOptions(**options)


@dataclass(frozen=True)
class _Replay:
    path: Path
    instance_url: str
    identity: Identity | None  # from a recorded login answer, when the recording has one


@contextlib.contextmanager
def _offline(replay: Path | None) -> Iterator[_Replay | None]:
    """Replay a cassette for the duration of the command."""
    if replay is None:
        yield None
        return
    from auditor import cassette
    from auditor.connect import identity_from_login_answer

    entries = cassette.load_cassette(replay)
    identity = next((found for entry in entries
                     if (found := identity_from_login_answer(entry["url"], entry["status"], str(entry["body"])))), None)
    with cassette.replaying(entries):
        yield _Replay(replay, cassette.cassette_instance_url(entries), identity)


def _session(*, timeout: float | None, deadline: float | None, debug: bool, record: bool,
             offline: bool) -> GuardedSession:
    """The guarded HTTP session; connect() seeds its redactor with the login's secrets."""
    from auditor.transport import GuardedSession, RetryPolicy

    return GuardedSession(
        timeout=timeout or 30.0,
        deadline=deadline,
        retry=RetryPolicy(),
        redactor=active(),  # the run's one redactor: connect() teaches it the login's secrets
        debug=sys.stderr if debug else None,
        record=record,
        # Offline, recorded 5xx answers are replayed without waiting out the backoff.
        sleep=(lambda _seconds: None) if offline else time.sleep,
    )


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


def _with_secrets(options: ConnectionOptions) -> ConnectionOptions:
    """The options with a missing access token, password or client secret asked for on a terminal."""
    from auditor.connect import resolve_missing_secrets

    return resolve_missing_secrets(options, _interactive(), lambda prompt: getpass.getpass(f"{prompt}: "))


def _open_session(options: ConnectionOptions, http: GuardedSession, replayed: _Replay | None = None,
                  progress: CollectProgress | None = None) -> OrgSession:
    from auditor.connect import connect

    if progress is not None:  # secrets were asked for before: a spinner must not overwrite a prompt
        progress.attach(http)
        progress.start()
    # A recording made with a password/JWT/client-credentials login names the user in its
    # login answer and has no userinfo answer to replay.
    return connect(options, http, known_identity=replayed.identity if replayed is not None else None)


# ----------------------------------------------------------------------------- audit


def _skipped_checks(skip: list[str] | None, settings: dict[str, Any]) -> frozenset[str]:
    """Check ids to skip (flags, else the settings file); a family name (``sync``) stands for all of its
    checks; an unknown name is a usage error."""
    from auditor.checks import CHECKS_BY_ID, FAMILIES

    wanted = list(skip) if skip else list(settings.get("skip", []))
    unknown = [name for name in wanted if name not in CHECKS_BY_ID and name not in FAMILIES]
    if unknown:
        raise UsageError(f"--skip {unknown[0]}: no such check or family (see 'auditor checks')")
    return frozenset(check for name in wanted for check in FAMILIES.get(name, (name,)))


def _audit_config(settings: dict[str, Any], mappings: Path | None, allocation: int | None,
                  expected_records: int | None, headroom: float | None,
                  skip: list[str] | None = None, expiry_days: int | None = None) -> AuditConfig:
    from auditor.mappings import MappingFileError, load_mapping_file, standard_mappings

    mapping_path = mappings or (Path(settings["mappings"]) if settings.get("mappings") else None)
    try:
        loaded = load_mapping_file(mapping_path, warn=_say) if mapping_path else standard_mappings()
    except MappingFileError as exc:
        raise UsageError(str(exc)) from None
    return AuditConfig(
        mappings=loaded,
        mappings_source=str(mapping_path) if mapping_path else "HubSpot standard mappings",
        headroom_percent=headroom if headroom is not None else float(settings.get("headroom_percent", 10.0)),
        hubspot_allocation=allocation if allocation is not None else settings.get("hubspot_allocation"),
        expected_records=expected_records if expected_records is not None else settings.get("expected_records"),
        checks_disabled=_skipped_checks(skip, settings),
        expiry_warning_days=expiry_days if expiry_days is not None else int(settings.get("expiry_warning_days", 14)),
    )


def exit_status(report: Report, fail_on: FailOn = FailOn.FAIL) -> ExitStatus:
    """The documented exit status of a finished audit. Ignored findings never count; ``fail_on``
    says which statuses make it 1; errors (and nothing over the threshold) make it 3. By default only
    suspension findings count: a risk category (issue 15) decides exit 1 only with ``--fail-on warn``,
    and a risk check's error never makes the audit incomplete."""
    breaches = 0 if fail_on is FailOn.NEVER else len(report.suspension_findings(Status.FAIL))
    if fail_on is FailOn.WARN:
        breaches = report.count(Status.FAIL) + report.count(Status.WARN)
    if breaches:
        return ExitStatus.SUSPENSION
    if report.suspension_findings(Status.ERROR):
        return ExitStatus.INCOMPLETE
    return ExitStatus.OK


def worst_exit_status(statuses: list[int]) -> int:
    """Several orgs: 1 if any predicts a suspension, else 2 if any was a usage error, else 3 if any
    could not complete, else 0 (the single-org rule: a predicted suspension outranks the rest)."""
    for status in (ExitStatus.SUSPENSION, ExitStatus.USAGE, ExitStatus.INCOMPLETE):
        if status in statuses:
            return status
    return ExitStatus.OK


def finish_report(report: Report, ignores: tuple[Ignore, ...], started: datetime, duration_s: float,
                  today: datetime | None = None) -> Report:
    """The report with the ``[[ignore]]`` entries applied and the audit's time stamped on it."""
    from auditor.ignores import apply_ignores

    day = (today or datetime.now(timezone.utc)).date()
    findings, expired = apply_ignores(report.findings, ignores, day)
    for ignore in expired:
        _say(f"warning: {ignore.source} ({ignore.describe()}) expired on {ignore.until}; "
             "it no longer applies: renew it with a reason, or fix the finding")
    return replace(report, findings=findings, expired_ignores=expired, audited_at=started,
                   duration_s=round(duration_s, 3))


def _formats(output_format: list[OutputFormat] | None, output: Path | None, output_dir: Path | None) -> list[OutputFormat]:
    """The formats asked for: with --output-dir all of them (none given: every format); else the last."""
    if output is not None and output_dir is not None:
        raise UsageError("--output and --output-dir exclude each other (--output-dir writes DIR/audit.<ext>)")
    formats = list(dict.fromkeys(output_format or []))
    if not formats:
        return list(OutputFormat) if output_dir is not None else [OutputFormat.TABLE]
    if output_dir is None:
        return formats[-1:]  # one output: the last --format wins, as for any repeated flag
    return formats


def _write_reports(render_one: Callable[[OutputFormat], str], formats: list[OutputFormat], output: Path | None,
                   output_dir: Path | None, *, announce: bool = True, color: bool = False,
                   info: Callable[[str], None] = _say) -> None:
    """Every report rendered first, then each file written atomically (stdout without a file)."""
    texts = {fmt: render_one(fmt) for fmt in formats}
    if output_dir is not None:
        try:
            output_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"--output-dir {output_dir}: cannot create ({exc.strerror or exc})") from None
        names = []
        for fmt, text in texts.items():
            write_output(output_dir / f"audit.{fmt.extension}", text)
            names.append(f"audit.{fmt.extension}")
        if announce:
            info(f"reports written to {output_dir}: {', '.join(names)}")
    elif output is not None:
        write_output(output, texts[formats[0]])
        if announce and not is_stdout(output):
            info(f"report written to {output}")
    else:
        text = texts[formats[0]]
        typer.echo(text, nl=not text.endswith("\n"), color=True if color else None)


def build_report(snapshot: OrgSnapshot, config: AuditConfig, offline_source: str | None = None) -> Report:
    """The report of ``snapshot``, every text in it passed through the run's redactor before any
    format sees it (afterwards a secret could be escaped, wrapped or split beyond recognition)."""
    from auditor.checks import evaluate
    from auditor.fix.plan import plan_fix

    findings = evaluate(snapshot, config)
    return active().redact_values(Report(
        offline_source=offline_source,
        findings=findings,
        org=snapshot.org if isinstance(snapshot.org, OrgInfo) else None,
        user=snapshot.user if isinstance(snapshot.user, UserInfo) else None,
        api_version=snapshot.api_version,
        instance_url=snapshot.instance_url,
        api_usage=snapshot.api_usage,
        audited_connected_user=snapshot.audited_connected_user,
        fix=plan_fix(findings, snapshot, config),
    ))


@app.command(cls=AuditorCommand, epilog=EXAMPLES["audit"])
def audit(
    instance_url: Optional[str] = InstanceUrl,
    access_token: Optional[str] = AccessToken,
    username: Optional[str] = Username,
    password: Optional[str] = Password,
    security_token: Optional[str] = SecurityToken,
    domain: Optional[str] = Domain,
    client_id: Optional[str] = ClientId,
    client_secret: Optional[str] = ClientSecret,
    private_key_file: Optional[str] = PrivateKeyFile,
    target_org: Optional[list[str]] = typer.Option(None, "--target-org", envvar="SF_TARGET_ORG", metavar="ALIAS", help="Reuse a Salesforce CLI (sf) org alias or username. Repeat it (or set orgs = [...] in the settings file) to audit several orgs concurrently into one combined report.", rich_help_panel="Connection"),
    api_version: Optional[str] = ApiVersion,
    user: Optional[str] = typer.Option(None, "--user", metavar="USER", rich_help_panel=WHAT_TO_AUDIT, help="Audit this user (username or 005 id) through setup objects, instead of the connected user."),
    skip: Optional[list[str]] = typer.Option(None, "--skip", metavar="CHECK", rich_help_panel=WHAT_TO_AUDIT, help="Skip this check id or family, e.g. 'sync' (repeatable; 'auditor checks' lists them)."),
    trust_status: bool = typer.Option(False, "--trust-status", metavar="", rich_help_panel=WHAT_TO_AUDIT, help="Also ask Salesforce Trust (public, no token sent) about incidents and maintenance on the org's instance: one more HTTP request, not an API call. Default: off, or the trust_status setting."),
    no_trust_status: bool = typer.Option(False, "--no-trust-status", metavar="", rich_help_panel=WHAT_TO_AUDIT, help="Do not ask Salesforce Trust, even if the settings file says trust_status = true."),
    mappings: Optional[Path] = typer.Option(None, "--mappings", metavar="FILE", rich_help_panel=INPUTS, help="Field mappings file (.csv or .toml). Default: HubSpot's standard mappings.", dir_okay=False),
    hubspot_allocation: Optional[int] = typer.Option(None, "--hubspot-allocation", min=0, metavar="CALLS", rich_help_panel=INPUTS, help="Salesforce API calls per rolling 24 h allocated to HubSpot (HubSpot: Sync Health, Allocated to HubSpot)."),
    expected_records: Optional[int] = typer.Option(None, "--expected-records", min=0, metavar="N", rich_help_panel=INPUTS, help="Records the initial sync will create or update in Salesforce (sizes API and storage needs)."),
    headroom: Optional[float] = typer.Option(None, "--headroom", min=0.0, max=100.0, metavar="PCT", rich_help_panel=INPUTS, help="Warn when less than this percentage of a limit is left (default 10)."),
    expiry_warning_days: Optional[int] = typer.Option(None, "--expiry-warning-days", min=0, metavar="DAYS", rich_help_panel=INPUTS, help="Warn when a needed permission comes only from assignments expiring within this many days (default 14, or the expiry_warning_days setting)."),
    config_file: Optional[Path] = ConfigFile,
    output_format: Optional[list[OutputFormat]] = typer.Option(None, "--format", "-f", metavar="FORMAT", rich_help_panel=OUTPUT, help="table (default), json, markdown, junit, csv or sarif. Repeat it with --output-dir for one file each (--output-dir alone writes every format); otherwise the last one wins."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE", rich_help_panel=OUTPUT, help="Write the report to this file instead of stdout ('-' is stdout).", dir_okay=False),
    output_dir: Optional[Path] = typer.Option(None, "--output-dir", metavar="DIR", rich_help_panel=OUTPUT, help="Write DIR/audit.<ext> for each --format (json, sarif, xml, md, csv, txt), each atomically; with several orgs also DIR/<org>/audit.<ext>.", file_okay=False),
    fail_on: Optional[FailOn] = typer.Option(None, "--fail-on", metavar="LEVEL", rich_help_panel=OUTPUT, help="What makes the exit status 1: fail (default), warn (a fail or a warn) or never. Ignored findings never do; exit 3 is unaffected. Settings key: fail_on."),
    verbose: bool = typer.Option(False, "--verbose", "-v", metavar="", rich_help_panel=OUTPUT, help="Show every passing finding in the table."),
    quiet: bool = Quiet,
    replay: Optional[Path] = Replay,
    record: Optional[Path] = typer.Option(None, "--record", metavar="FILE", rich_help_panel=RECORDING, help="Record this audit as a cassette (secrets scrubbed) for offline replay or a bug report.", dir_okay=False),
    anonymize: bool = typer.Option(False, "--anonymize", metavar="", rich_help_panel=RECORDING, help="With --record: replace usernames, e-mails, names and ids by stable fakes."),
    snapshot_in: Optional[Path] = typer.Option(None, "--snapshot", metavar="FILE", rich_help_panel=RECORDING, help="Evaluate a saved snapshot instead of connecting.", dir_okay=False),
    save_snapshot: Optional[Path] = typer.Option(None, "--save-snapshot", metavar="FILE", rich_help_panel=RECORDING, help="Also save what was collected, for offline re-evaluation.", dir_okay=False),
    timeout: Optional[float] = Timeout,
    deadline: Optional[float] = Deadline,
    debug: bool = Debug,
    jobs: Optional[int] = typer.Option(None, "--jobs", min=1, metavar="N", rich_help_panel=NETWORK, help="With several --target-org: orgs audited at the same time (default 4; settings key: jobs)."),
    strategy: str = typer.Option("composite", "--strategy", hidden=True, help="composite (default) or naive (one request per describe/query; the bench baseline)."),
) -> None:
    """Audit the org as the integration user and report which suspensions would occur."""
    from auditor.collect import Strategy

    if trust_status and no_trust_status:
        raise UsageError("--trust-status and --no-trust-status contradict each other: give one")
    if anonymize and record is None:
        raise UsageError("--anonymize only applies with --record FILE")
    try:
        chosen_strategy = Strategy(strategy)
    except ValueError:
        raise UsageError(f"--strategy {strategy}: use {' or '.join(s.value for s in Strategy)}") from None
    started, clock = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0), perf_counter()
    settings = load_settings(config_file)
    config = _audit_config(settings, mappings, hubspot_allocation, expected_records, headroom, skip, expiry_warning_days)
    formats = _formats(output_format, output, output_dir)
    threshold = fail_on or FailOn(settings.get("fail_on", FailOn.FAIL.value))
    ignores: tuple[Ignore, ...] = settings.get("ignore", ())
    values = _connection_values(locals())
    orgs = list(dict.fromkeys(target_org or settings.get("orgs") or []))
    values["target_org"] = orgs[0] if len(orgs) == 1 else None
    ask_trust = trust_status or (not no_trust_status and bool(settings.get("trust_status", False)))
    info = _informer(quiet)
    if len(orgs) > 1:
        conflicting = [flag for flag, given in (("--replay", replay), ("--snapshot", snapshot_in), ("--record", record),
                                                ("--save-snapshot", save_snapshot), ("--output", output)) if given]
        if conflicting:
            raise UsageError(f"{conflicting[0]} audits one org; with several --target-org use --output-dir")
        from auditor.many import audit_orgs, org_directory

        def one(alias: str) -> Report:
            options = _connection_options({**values, "target_org": alias}, settings, None)
            session = _session(timeout=timeout, deadline=deadline, debug=debug, record=False, offline=False)
            org_started, org_clock = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0), perf_counter()
            snapshot = _collect(options, session, config, user, chosen_strategy, trust_status=ask_trust, info=info)
            return finish_report(build_report(snapshot, config), ignores, org_started, perf_counter() - org_clock)

        from auditor.report.combined import render_combined

        outcomes = audit_orgs(orgs, one, jobs=jobs or int(settings.get("jobs", 4)),
                              status_of=lambda report: exit_status(report, threshold))
        status = worst_exit_status([o.exit_status for o in outcomes])
        if output_dir is not None:
            for outcome in outcomes:
                if outcome.report is not None:
                    done = outcome.report
                    _write_reports(lambda fmt: render(done, fmt, verbose=verbose), formats, None,
                                   output_dir / org_directory(outcome.target), announce=False)
        _write_reports(lambda fmt: render_combined(outcomes, fmt, status, verbose=verbose), formats, None, output_dir,
                       info=info)
        for outcome in outcomes:
            line = summary_line(outcome.report).removeprefix("auditor: ") if outcome.report else outcome.error
            _say(f"{outcome.target}: {line} (exit {outcome.exit_status})")
        raise typer.Exit(status)

    offline_source: str | None = None
    if snapshot_in is not None:
        snapshot = _load_snapshot(snapshot_in)
        offline_source = f"snapshot {snapshot_in}"
        info(f"evaluating snapshot {snapshot_in}, collected {snapshot.collected_at} from {snapshot.instance_url}; "
             "nothing is sent to Salesforce")
    else:
        offline_source = f"cassette {replay}" if replay is not None else None
        options: ConnectionOptions | None = None
        session: GuardedSession | None = None
        try:
            with _offline(replay) as replayed:
                options = _with_secrets(_connection_options(values, settings, replayed.instance_url if replayed else None))
                session = _session(timeout=timeout, deadline=deadline, debug=debug,
                                   record=record is not None, offline=replay is not None)
                collected: OrgSnapshot | None = None
                try:
                    collected = _collect(options, session, config, user, chosen_strategy, trust_status=ask_trust,
                                         replayed=replayed, info=info,
                                         progress=_progress(quiet, debug, options.instance_url))
                finally:
                    # Recorded even when the audit stops early: that is when a recording helps most.
                    if record is not None and session.stats.exchanges:
                        from auditor import cassette

                        anonymizer = _anonymizer(collected, options) if anonymize else None
                        cassette.write_cassette(record, session.stats.exchanges, session.redactor, anonymizer)
                        info(f"recorded {len(session.stats.exchanges)} answers to {record}")
                snapshot = collected
        except AuditorError as stopped:
            if stopped.exit_status == ExitStatus.INCOMPLETE and options is not None:
                # Never leave last night's report in place: write one that says why there is none.
                usage = session.stats.usage() if session is not None else None
                _write_incomplete_reports(stopped, options.instance_url or "", options.api_version, config, usage,
                                          formats, output, output_dir)
            raise
    if save_snapshot is not None:
        write_output(save_snapshot, snapshot_to_json(active().redact_values(snapshot)))

    report = finish_report(build_report(snapshot, config, offline_source), ignores, started, perf_counter() - clock)
    # The table fits the terminal it is shown on; a file or a pipe gets the full grid, uncoloured.
    to_screen = output is None and output_dir is None
    color = to_screen and use_color(sys.stdout)
    width = report_width(sys.stdout) if to_screen else None
    # Written even when the audit could not complete (exit 3): a CI job keeps what it has.
    _write_reports(lambda fmt: render(report, fmt, verbose=verbose, width=width, color=color), formats, output,
                   output_dir, color=color, info=info)
    # The table ends with the summary line: on a terminal showing both streams, say it once.
    summary_on_screen = (to_screen and formats == [OutputFormat.TABLE]
                         and is_terminal(sys.stdout) and is_terminal(sys.stderr))
    if not summary_on_screen:
        info(summary_line(report).removeprefix("auditor: "))
    status = exit_status(report, threshold)
    if status == ExitStatus.INCOMPLETE:
        # The one-line reason: the first check that could not be evaluated, and how to fix that.
        first = report.suspension_findings(Status.ERROR)[0]
        _say(f"could not complete: {first.message} Fix: {first.remediation}")
    raise typer.Exit(status)


def _load_snapshot(path: Path) -> OrgSnapshot:
    try:
        return snapshot_from_json(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"snapshot {path}: cannot read ({exc.strerror or exc})") from None
    except SnapshotFormatError as exc:
        raise UsageError(f"snapshot {path}: {exc}") from None


def _write_incomplete_reports(stopped: AuditorError, instance_url: str, api_version: str, config: AuditConfig,
                              usage: ApiUsage | None, formats: list[OutputFormat], output: Path | None,
                              output_dir: Path | None) -> None:
    """The report of an audit that could not complete: every check "not evaluated" with the reason,
    written to --output / --output-dir in the chosen formats, so a file a CI job publishes is never
    last run's.
    Standard output stays empty: the one-line reason on stderr is the whole answer there, and a
    redirected stdout starts empty anyway.
    """
    if output_dir is None and (output is None or is_stdout(output)):
        return
    from auditor.collect import incomplete_snapshot

    snapshot = incomplete_snapshot(instance_url, api_version, str(stopped), config.objects_in_scope(),
                                   usage or ApiUsage())
    report = build_report(snapshot, config)
    with contextlib.suppress(UsageError):  # the reason on stderr matters more than a second error
        _write_reports(lambda fmt: render(report, fmt), formats, output, output_dir, announce=False)


def _collect(options: ConnectionOptions, session: GuardedSession, config: AuditConfig, user: str | None,
             strategy: Strategy, *, trust_status: bool = False, replayed: _Replay | None = None,
             info: Callable[[str], None] = _say, progress: CollectProgress | None = None) -> OrgSnapshot:
    with progress if progress is not None else contextlib.nullcontext():
        return _connect_and_collect(options, session, config, user, strategy, trust_status, replayed, info, progress)


def _connect_and_collect(options: ConnectionOptions, session: GuardedSession, config: AuditConfig, user: str | None,
                         strategy: Strategy, trust_status: bool, replayed: _Replay | None,
                         info: Callable[[str], None], progress: CollectProgress | None) -> OrgSnapshot:
    from auditor.collect import collect, login_refusal_snapshot
    from auditor.collect.trust import with_trust_status
    from auditor.connect import ApiAccessRefused

    try:
        org = _open_session(options, session, replayed, progress)
    except ApiAccessRefused as refused:
        refused_snapshot = login_refusal_snapshot(session, options.instance_url or "", options.api_version,
                                                  refused.error_code, refused.message)
        # The instance is unknown: with --trust-status the trust part says so (nothing is sent).
        return with_trust_status(refused_snapshot, session) if trust_status else refused_snapshot
    identity = org.identity
    who = f" as {identity.username}" if identity and identity.username else ""
    if replayed is not None:  # nothing goes to the org: say what answers instead
        info(f"replaying {replayed.path}, recorded from {urlsplit(org.base_url).hostname}{who}")
    else:
        info(f"auditing {org.base_url}{who} ({org.auth_method})")
    snapshot = collect(org, config, target_user=user, strategy=strategy, trust_status=trust_status)
    # Report the full cost, the login and identity requests included.
    return replace(snapshot, api_usage=session.stats.usage())


@app.command("checks", cls=AuditorCommand, epilog=EXAMPLES["checks"])
def list_checks(
    output_format: str = TextOrJson,
) -> None:
    """List every check: its stable id, suspension code and what it verifies."""
    from auditor.checks import CHECKS
    from auditor.model import CATEGORY_LABELS
    from auditor.suspensions import SUSPENSIONS

    if output_format not in ("text", "json"):
        raise UsageError(f"--format {output_format}: use text or json")
    if output_format == "json":
        rows = [{"check": c.id, "suspension": c.suspension.value if c.suspension is not None else None,
                 "category": c.category.value, "family": c.family,
                 "label": SUSPENSIONS[c.suspension].label if c.suspension is not None else CATEGORY_LABELS[c.category],
                 "title": c.title, "remediation": c.remediation} for c in CHECKS]
        typer.echo(json.dumps(rows, indent=2, sort_keys=True))
        return
    width = max(len(c.id) for c in CHECKS)
    code_width = max(len(c.code) for c in CHECKS)
    for check in CHECKS:
        typer.echo(f"{check.id:<{width}}  {check.code:<{code_width}}  {check.title}")


@app.command(cls=AuditorCommand, epilog=EXAMPLES["whoami"])
def whoami(
    instance_url: Optional[str] = InstanceUrl,
    access_token: Optional[str] = AccessToken,
    username: Optional[str] = Username,
    password: Optional[str] = Password,
    security_token: Optional[str] = SecurityToken,
    domain: Optional[str] = Domain,
    client_id: Optional[str] = ClientId,
    client_secret: Optional[str] = ClientSecret,
    private_key_file: Optional[str] = PrivateKeyFile,
    target_org: Optional[str] = TargetOrg,
    api_version: Optional[str] = ApiVersion,
    output_format: str = TextOrJson,
    replay: Optional[Path] = Replay,
    timeout: Optional[float] = Timeout,
    debug: bool = Debug,
    config_file: Optional[Path] = ConfigFile,
) -> None:
    """Show the org, instance, edition, user and profile an audit would run as."""
    if output_format not in ("text", "json"):
        raise UsageError(f"--format {output_format}: use text or json")
    settings = load_settings(config_file)
    values = _connection_values(locals())
    from auditor.connect import ApiAccessRefused

    with _offline(replay) as replayed:
        options = _with_secrets(_connection_options(values, settings, replayed.instance_url if replayed else None))
        session = _session(timeout=timeout, deadline=None, debug=debug, record=False, offline=replay is not None)
        try:
            connection = _open_session(options, session, replayed)
        except ApiAccessRefused as refused:
            raise AuditIncomplete(f"Salesforce refused API access ({refused.error_code}): {refused.message}") from None
        from auditor.collect import collect_identity

        org, user = collect_identity(connection)
    facts = {
        "instance_url": connection.base_url,
        "auth_method": str(connection.auth_method),
        "api_version": connection.api_version,
        "org": None if isinstance(org, Unavailable) else {"id": org.id, "name": org.name, "edition": org.edition,
                                                           "instance_name": org.instance_name, "is_sandbox": org.is_sandbox},
        "user": None if isinstance(user, Unavailable) else {"id": user.id, "username": user.username, "name": user.name,
                                                             "profile": user.profile_name, "user_license": user.user_license,
                                                             "is_active": user.is_active},
    }
    if output_format == "json":
        typer.echo(json.dumps(facts, indent=2, sort_keys=True))
    else:
        lines = [f"Instance:   {connection.base_url} (API v{connection.api_version}, {connection.auth_method})"]
        if isinstance(org, Unavailable):
            lines.append(f"Org:        unknown ({org.reason})")
        else:
            kind = "sandbox" if org.is_sandbox else "production"
            lines.append(f"Org:        {org.name} ({org.id}), {org.edition}, {kind}, instance {org.instance_name or '?'}")
        if isinstance(user, Unavailable):
            lines.append(f"User:       unknown ({user.reason})")
        else:
            state = "" if user.is_active else ", INACTIVE"
            lines.append(f"User:       {user.username} ({user.id}), {user.name}{state}")
            lines.append(f"Profile:    {user.profile_name or '?'} (license {user.user_license or '?'})")
        typer.echo("\n".join(lines))
    if isinstance(org, Unavailable) or isinstance(user, Unavailable):
        raise typer.Exit(ExitStatus.INCOMPLETE)


@app.command(cls=AuditorCommand, epilog=EXAMPLES["explain"])
def explain(
    target: str = typer.Argument(..., metavar="TARGET", help="OBJECT or OBJECT.FIELD, e.g. Contact or Contact.MailingCountry."),
    instance_url: Optional[str] = InstanceUrl,
    access_token: Optional[str] = AccessToken,
    username: Optional[str] = Username,
    password: Optional[str] = Password,
    security_token: Optional[str] = SecurityToken,
    domain: Optional[str] = Domain,
    client_id: Optional[str] = ClientId,
    client_secret: Optional[str] = ClientSecret,
    private_key_file: Optional[str] = PrivateKeyFile,
    target_org: Optional[str] = TargetOrg,
    api_version: Optional[str] = ApiVersion,
    user: Optional[str] = typer.Option(None, "--user", metavar="USER", rich_help_panel=WHAT_TO_AUDIT, help="Explain for this user (username or 005 id) instead of the connected user."),
    mappings: Optional[Path] = typer.Option(None, "--mappings", metavar="FILE", rich_help_panel=INPUTS, help="Field mappings file (.csv or .toml). Default: HubSpot's standard mappings.", dir_okay=False),
    replay: Optional[Path] = Replay,
    snapshot_in: Optional[Path] = typer.Option(None, "--snapshot", metavar="FILE", rich_help_panel=RECORDING, help="Explain from a saved snapshot instead of connecting.", dir_okay=False),
    timeout: Optional[float] = Timeout,
    deadline: Optional[float] = Deadline,
    quiet: bool = Quiet,
    debug: bool = Debug,
    config_file: Optional[Path] = ConfigFile,
    output_format: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """Show what the integration user can do on one object or field, which permission sets say so, the
    audit's verdict on it and its fix."""
    from auditor.explain import UnknownTarget, explain_document, parse_target

    if output_format not in ("text", "json"):
        raise UsageError(f"--format {output_format}: use text or json")
    try:
        parse_target(target)  # before connecting: a typo costs no login
    except UnknownTarget as exc:
        raise UsageError(str(exc)) from None
    settings = load_settings(config_file)
    config = _audit_config(settings, mappings, None, None, None)
    values = _connection_values(locals())
    if snapshot_in is not None:
        snapshot = _load_snapshot(snapshot_in)
    else:
        with _offline(replay) as replayed:
            options = _with_secrets(_connection_options(values, settings, replayed.instance_url if replayed else None))
            session = _session(timeout=timeout, deadline=deadline, debug=debug, record=False,
                               offline=replay is not None)
            from auditor.collect import Strategy

            snapshot = _collect(options, session, config, user, Strategy.COMPOSITE, replayed=replayed,
                                info=_informer(quiet), progress=_progress(quiet, debug, options.instance_url))
    if snapshot.api_refusal is not None:
        raise AuditIncomplete(f"Salesforce refused API access ({snapshot.api_refusal.error_code}): {snapshot.api_refusal.message}")
    try:
        document = explain_document(snapshot, config, target)
    except UnknownTarget as exc:
        raise UsageError(str(exc)) from None
    if output_format == "json":
        typer.echo(json.dumps(document, indent=2, sort_keys=True))
    else:
        typer.echo(str(document["text"]), nl=False)


# ----------------------------------------------------------------------------- fix


def _saved_or_collected(snapshot_in: Path | None, replay: Path | None, values: dict[str, Any], settings: dict[str, Any],
                        config: AuditConfig, user: str | None, *, timeout: float | None, deadline: float | None,
                        debug: bool) -> OrgSnapshot:
    """A saved snapshot (--snapshot), or one collected now (own session, --user, --replay)."""
    if snapshot_in is not None:
        try:
            return snapshot_from_json(snapshot_in.read_text(encoding="utf-8"))
        except OSError as exc:
            raise UsageError(f"snapshot {snapshot_in}: cannot read ({exc.strerror or exc})") from None
        except SnapshotFormatError as exc:
            raise UsageError(f"snapshot {snapshot_in}: {exc}") from None
    from auditor.collect import Strategy

    with _offline(replay) as replayed:
        options = _with_secrets(_connection_options(values, settings, replayed.instance_url if replayed else None))
        session = _session(timeout=timeout, deadline=deadline, debug=debug, record=False,
                           offline=replay is not None)
        return _collect(options, session, config, user, Strategy.COMPOSITE, replayed=replayed)


@app.command()
def fix(
    instance_url: Optional[str] = InstanceUrl,
    access_token: Optional[str] = AccessToken,
    username: Optional[str] = Username,
    password: Optional[str] = Password,
    security_token: Optional[str] = SecurityToken,
    domain: Optional[str] = Domain,
    client_id: Optional[str] = ClientId,
    client_secret: Optional[str] = ClientSecret,
    private_key_file: Optional[str] = PrivateKeyFile,
    target_org: Optional[str] = TargetOrg,
    api_version: Optional[str] = ApiVersion,
    user: Optional[str] = typer.Option(None, "--user", help="Fix for this user (username or 005 id), audited through setup objects."),
    mappings: Optional[Path] = typer.Option(None, "--mappings", help="Field mappings file (.csv or .toml). Default: HubSpot's standard mappings.", dir_okay=False),
    from_report: Optional[Path] = typer.Option(None, "--from-report", help="Build the fix from an `auditor audit -f json` report instead of connecting.", dir_okay=False),
    out: Optional[Path] = typer.Option(None, "--out", help="Write the SFDX source-format permission set and manifest/package.xml under this directory.", file_okay=False),
    name: str = typer.Option("HubSpot_Integration_Preflight_Fix", "--name", help="Permission set API name."),
    label: str = typer.Option("HubSpot Integration Preflight Fix", "--label", help="Permission set label."),
    force: bool = typer.Option(False, "--force", help="Replace an existing permission set or manifest file with other content under --out."),
    output_format: str = typer.Option("table", "--format", "-f", help="table, json or markdown."),
    replay: Optional[Path] = Replay,
    snapshot_in: Optional[Path] = typer.Option(None, "--snapshot", help="Fix from a saved snapshot instead of connecting.", dir_okay=False),
    timeout: Optional[float] = Timeout,
    deadline: Optional[float] = Deadline,
    debug: bool = Debug,
    config_file: Optional[Path] = ConfigFile,
) -> None:
    """Write a permission set that grants exactly what the audit found missing, and list the manual steps."""
    from auditor.checks import evaluate
    from auditor.fix.plan import plan_fix
    from auditor.fix.render import FixFormat
    from auditor.fix.run import plan_from_report, run_fix
    from auditor.fix.writer import check_label, check_name

    try:
        fmt = FixFormat(output_format)
    except ValueError:
        raise UsageError(f"--format {output_format}: use table, json or markdown") from None
    check_name(name)
    check_label(label)
    values = _connection_values(locals())
    if from_report is not None:
        # Connection options (often set in the environment) are simply not used; these would change the answer.
        given = [flag for flag, value in (("--replay", replay), ("--snapshot", snapshot_in), ("--user", user),
                                          ("--mappings", mappings)) if value is not None]
        if given:
            raise UsageError(f"--from-report cannot be combined with {given[0]}: the report already says what is missing")
        plan = plan_from_report(from_report)
        source: str | None = from_report.name
    else:
        settings = load_settings(config_file)
        config = _audit_config(settings, mappings, None, None, None)
        snapshot = _saved_or_collected(snapshot_in, replay, values, settings, config, user, timeout=timeout,
                                       deadline=deadline, debug=debug)
        plan = plan_fix(evaluate(snapshot, config), snapshot, config)
        source = None
    result = run_fix(plan, name=name, label=label, out=out, fmt=fmt, force=force, source=source)
    typer.echo(result.text, nl=not result.text.endswith("\n"))
    _say(result.summary)
    raise typer.Exit(result.exit_status)


@app.command("diff")
def diff_command(
    baseline: Path = typer.Argument(..., help="The earlier report (audit -f json), e.g. the last good run's.", dir_okay=False),
    current: Path = typer.Argument(..., help="The report to compare with it.", dir_okay=False),
    output_format: DiffFormat = typer.Option(DiffFormat.TABLE, "--format", "-f", help="Diff format.", rich_help_panel="Output"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the diff to this file instead of stdout.", dir_okay=False, rich_help_panel="Output"),
) -> None:
    """Compare two JSON reports: new failures, fixed ones, changed statuses, new and removed checks. Exit 1 when something regressed."""
    from auditor.diff import DIFF_FORMATTERS, diff_reports, load_report

    result = diff_reports(load_report(baseline), load_report(current), baseline_name=str(baseline),
                          current_name=str(current))
    text = DIFF_FORMATTERS[output_format](result)
    if output is not None:
        write_output(output, text)
    else:
        typer.echo(text, nl=not text.endswith("\n"))
    _say(f"{len(result.new_failures)} new failures, {len(result.fixed)} fixed, {len(result.changed)} changed"
         + (": regressed" if result.regressed else ""))
    raise typer.Exit(ExitStatus.SUSPENSION if result.regressed else ExitStatus.OK)


def _anonymizer(snapshot: OrgSnapshot | None, options: ConnectionOptions) -> Anonymizer:
    from auditor.anonymize import Anonymizer

    names: dict[str, str] = {}
    if snapshot is not None and isinstance(snapshot.org, OrgInfo):
        names[snapshot.org.name] = "Anonymized Org"
    if snapshot is not None and isinstance(snapshot.user, UserInfo):
        names[snapshot.user.name] = "Integration User"
    url = snapshot.instance_url if snapshot is not None else (options.instance_url or "")
    host = urlsplit(url).hostname or ""
    if host.endswith(".my.salesforce.com"):
        names[host.split(".")[0]] = "anonymized"
    return Anonymizer(names)


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
