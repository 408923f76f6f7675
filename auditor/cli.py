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
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional
from urllib.parse import urlsplit

import typer

from auditor.checks import evaluate
from auditor.collect import (
    CollectTarget,
    Strategy,
    collect,
    collect_identity,
    refusal_snapshot,
)
from auditor.collect.trust import with_trust_status
from auditor.config import AuditConfig
from auditor.errors import AuditIncomplete, AuditorError, UsageError
from auditor.files import write_atomically
from auditor.mappings import MappingFileError, load_mapping_file, standard_mappings
from auditor.model import Report, Status
from auditor.redact import Redactor
from auditor.report import OutputFormat, render, summary_line
from auditor.settings import load_settings
from auditor.snapshot import (
    OrgInfo,
    OrgSnapshot,
    SnapshotFormatError,
    Unavailable,
    UserInfo,
    snapshot_from_json,
    snapshot_to_json,
)
from auditor.transport import GuardedSession, RetryPolicy

if TYPE_CHECKING:
    from auditor.anonymize import Anonymizer
    from auditor.connect import Connection, ConnectionOptions, Identity

# auditor.connect (simple-salesforce, zeep) and auditor.cassette (responses) are imported where
# they are used, so `auditor --help` starts without them.

EXIT_OK, EXIT_SUSPENSION, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Preflight auditor for the HubSpot-Salesforce integration: predicts which of HubSpot's "
    "suspensions would occur, why, and how to fix each. Read-only against the org.",
)


def _say(message: str) -> None:
    typer.echo(f"auditor: {message}", err=True)


# ----------------------------------------------------------------------------- options

InstanceUrl = typer.Option(None, "--instance-url", envvar="SF_INSTANCE_URL", help="Org URL for an existing session, e.g. https://acme.my.salesforce.com.")
AccessToken = typer.Option(None, "--access-token", envvar="SF_ACCESS_TOKEN", help="Access token (session id) of the integration user. Prefer the environment variable.", show_default=False)
Username = typer.Option(None, "--username", envvar="SF_USERNAME", help="Integration user's username (password and JWT flows).")
Password = typer.Option(None, "--password", envvar="SF_PASSWORD", help="Password (prefer SF_PASSWORD; prompted on a terminal when missing).", show_default=False)
SecurityToken = typer.Option(None, "--security-token", envvar="SF_SECURITY_TOKEN", help="Security token appended to the password (may be empty).", show_default=False)
Domain = typer.Option(None, "--domain", envvar="SF_DOMAIN", help="login (production), test (sandbox) or <mydomain>.my (My Domain).")
ClientId = typer.Option(None, "--client-id", envvar="SF_CLIENT_ID", help="Connected app consumer key (JWT and client-credentials flows).")
ClientSecret = typer.Option(None, "--client-secret", envvar="SF_CLIENT_SECRET", help="Connected app consumer secret (client-credentials flow; prefer the environment).", show_default=False)
PrivateKeyFile = typer.Option(None, "--private-key-file", envvar="SF_JWT_KEY_FILE", help="PEM private key of the connected app's certificate (JWT flow). SF_JWT_KEY may hold the key itself.")
TargetOrg = typer.Option(None, "--target-org", envvar="SF_TARGET_ORG", help="Reuse a Salesforce CLI (sf) org alias or username.")
ApiVersion = typer.Option(None, "--api-version", envvar="SF_API_VERSION", help="Salesforce API version (default 62.0; at least 52.0).")
Timeout = typer.Option(None, "--timeout", min=1.0, help="Seconds to wait for each answer (default 30).")
Deadline = typer.Option(None, "--deadline", min=1.0, help="Seconds the whole audit may take (default: none).")
Debug = typer.Option(False, "--debug", help="Log every request (method, path, status, time, API calls) on stderr; secrets redacted.")
Replay = typer.Option(None, "--replay", help="Run offline against a recorded cassette (responses' YAML format).", dir_okay=False)
ConfigFile = typer.Option(None, "--config", envvar="AUDITOR_CONFIG", help="Settings file (default: ./auditor.toml, or [tool.auditor] in ./pyproject.toml).", dir_okay=False)


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
    from auditor.connect import ConnectionOptions

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
        options["api_version"] = str(pick("api_version"))
    return ConnectionOptions(**options)


@dataclass(frozen=True)
class _Replay:
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
        yield _Replay(cassette.cassette_instance_url(entries), identity)


def _session(options: ConnectionOptions, *, timeout: float | None, deadline: float | None, debug: bool,
             record: bool, offline: bool) -> GuardedSession:
    from auditor.connect import connection_redactor

    redactor = connection_redactor(options)
    return GuardedSession(
        timeout=timeout or 30.0,
        deadline=deadline,
        retry=RetryPolicy(),
        redactor=redactor,
        debug=sys.stderr if debug else None,
        record=record,
        # Offline, recorded 5xx answers are replayed without waiting out the backoff.
        sleep=(lambda _seconds: None) if offline else time.sleep,
    )


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


def _open_connection(options: ConnectionOptions, session: GuardedSession, replayed: _Replay | None = None) -> Connection:
    from auditor.connect import connect, connection_redactor, resolve_missing_secrets

    options = resolve_missing_secrets(options, _interactive(), lambda prompt: getpass.getpass(f"{prompt}: "))
    session.redactor = connection_redactor(options)
    connection = connect(options, session)
    if connection.identity is None and replayed is not None:
        # A recording made with a password/JWT/client-credentials login names the user in its
        # login answer and has no userinfo answer to replay.
        connection.identity = replayed.identity
    return connection


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
                  skip: list[str] | None = None) -> AuditConfig:
    mapping_path = mappings or (Path(settings["mappings"]) if settings.get("mappings") else None)
    try:
        loaded = load_mapping_file(mapping_path) if mapping_path else standard_mappings()
    except MappingFileError as exc:
        raise UsageError(str(exc)) from None
    return AuditConfig(
        mappings=loaded,
        mappings_source=str(mapping_path) if mapping_path else "HubSpot standard mappings",
        headroom_percent=headroom if headroom is not None else float(settings.get("headroom_percent", 10.0)),
        hubspot_allocation=allocation if allocation is not None else settings.get("hubspot_allocation"),
        expected_records=expected_records if expected_records is not None else settings.get("expected_records"),
        checks_disabled=_skipped_checks(skip, settings),
    )


def exit_status(report: Report) -> int:
    """The documented exit status of a finished audit."""
    if report.suspension_findings(Status.FAIL):
        return EXIT_SUSPENSION
    if report.suspension_findings(Status.ERROR):  # a risk check's error never makes the audit incomplete
        return EXIT_INCOMPLETE
    return EXIT_OK


def build_report(snapshot: OrgSnapshot, config: AuditConfig) -> Report:
    return Report(
        findings=evaluate(snapshot, config),
        org=snapshot.org if isinstance(snapshot.org, OrgInfo) else None,
        user=snapshot.user if isinstance(snapshot.user, UserInfo) else None,
        api_version=snapshot.api_version,
        instance_url=snapshot.instance_url,
        api_usage=snapshot.api_usage,
    )


@app.command()
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
    target_org: Optional[str] = TargetOrg,
    api_version: Optional[str] = ApiVersion,
    user: Optional[str] = typer.Option(None, "--user", help="Audit this user (username or 005 id) through setup objects, instead of the connected user."),
    mappings: Optional[Path] = typer.Option(None, "--mappings", help="Field mappings file (.csv or .toml). Default: HubSpot's standard mappings.", dir_okay=False),
    hubspot_allocation: Optional[int] = typer.Option(None, "--hubspot-allocation", min=0, help="Salesforce API calls per rolling 24 h allocated to HubSpot (Sync Health > Allocated to HubSpot)."),
    expected_records: Optional[int] = typer.Option(None, "--expected-records", min=0, help="Records the initial sync will create or update in Salesforce (sizes API and storage needs)."),
    headroom: Optional[float] = typer.Option(None, "--headroom", min=0.0, max=100.0, help="Warn when less than this percentage of a limit is left (default 10)."),
    skip: Optional[list[str]] = typer.Option(None, "--skip", help="Skip this check id or family, e.g. 'sync' (repeatable; 'auditor checks' lists them)."),
    output_format: OutputFormat = typer.Option(OutputFormat.TABLE, "--format", "-f", help="Report format."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the report to this file instead of stdout.", dir_okay=False),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show every passing finding in the table."),
    replay: Optional[Path] = Replay,
    record: Optional[Path] = typer.Option(None, "--record", help="Record this audit as a cassette (secrets scrubbed) for offline replay or a bug report.", dir_okay=False),
    anonymize: bool = typer.Option(False, "--anonymize", help="With --record: replace usernames, e-mails, names and ids by stable fakes."),
    snapshot_in: Optional[Path] = typer.Option(None, "--snapshot", help="Evaluate a saved snapshot instead of connecting.", dir_okay=False),
    save_snapshot: Optional[Path] = typer.Option(None, "--save-snapshot", help="Also save what was collected, for offline re-evaluation.", dir_okay=False),
    timeout: Optional[float] = Timeout,
    deadline: Optional[float] = Deadline,
    debug: bool = Debug,
    config_file: Optional[Path] = ConfigFile,
    strategy: Strategy = typer.Option(Strategy.COMPOSITE, "--strategy", hidden=True, help="composite (default) or naive (one request per describe/query; the bench baseline)."),
    trust_status: Optional[bool] = typer.Option(None, "--trust-status/--no-trust-status", help="Also ask Salesforce Trust (api.status.salesforce.com, public, no token sent) about incidents and maintenance on the org's instance: one more HTTP request, not an API call. Default: off, or the trust_status setting."),
) -> None:
    """Audit the org as the integration user and report which suspensions would occur."""
    if anonymize and record is None:
        raise UsageError("--anonymize only applies with --record FILE")
    settings = load_settings(config_file)
    config = _audit_config(settings, mappings, hubspot_allocation, expected_records, headroom, skip)
    values = _connection_values(locals())
    ask_trust = trust_status if trust_status is not None else bool(settings.get("trust_status", False))

    if snapshot_in is not None:
        try:
            snapshot = snapshot_from_json(snapshot_in.read_text(encoding="utf-8"))
        except OSError as exc:
            raise UsageError(f"snapshot {snapshot_in}: cannot read ({exc.strerror or exc})") from None
        except SnapshotFormatError as exc:
            raise UsageError(f"snapshot {snapshot_in}: {exc}") from None
    else:
        with _offline(replay) as replayed:
            options = _connection_options(values, settings, replayed.instance_url if replayed else None)
            session = _session(options, timeout=timeout, deadline=deadline, debug=debug,
                               record=record is not None, offline=replay is not None)
            collected: OrgSnapshot | None = None
            try:
                collected = _collect(options, session, config, user, strategy, trust_status=ask_trust, replayed=replayed)
            finally:
                # Recorded even when the audit stops early: that is when a recording helps most.
                if record is not None and session.stats.exchanges:
                    from auditor import cassette

                    anonymizer = _anonymizer(collected, options) if anonymize else None
                    cassette.write_cassette(record, session.stats.exchanges, session.redactor, anonymizer)
                    _say(f"recorded {len(session.stats.exchanges)} answers to {record}")
            snapshot = collected
    if save_snapshot is not None:
        write_atomically(save_snapshot, snapshot_to_json(snapshot))

    report = build_report(snapshot, config)
    text = render(report, output_format, verbose=verbose)
    if output is not None:
        write_atomically(output, text)
        _say(f"report written to {output}")
    else:
        typer.echo(text, nl=not text.endswith("\n"))
    _say(summary_line(report).removeprefix("auditor: "))
    status = exit_status(report)
    if status == EXIT_INCOMPLETE:
        # The one-line reason: the first check that could not be evaluated, and how to fix that.
        first = report.suspension_findings(Status.ERROR)[0]
        _say(f"could not complete: {first.message} Fix: {first.remediation}")
    raise typer.Exit(status)


def _collect(options: ConnectionOptions, session: GuardedSession, config: AuditConfig, user: str | None,
             strategy: Strategy, *, trust_status: bool = False, replayed: _Replay | None = None) -> OrgSnapshot:
    from auditor.connect import ApiAccessRefused

    try:
        connection = _open_connection(options, session, replayed)
    except ApiAccessRefused as refused:
        target = CollectTarget(session, options.instance_url or "", {}, options.api_version)
        refused_snapshot = refusal_snapshot(target, refused.error_code, refused.message, at_login=True)
        # The instance is unknown: with --trust-status the trust part says so (nothing is sent).
        return with_trust_status(refused_snapshot, session) if trust_status else refused_snapshot
    identity = connection.identity
    target = CollectTarget(
        session=session,
        instance_url=connection.instance_url,
        headers=dict(connection.sf.headers),
        api_version=options.api_version,
        user_id=identity.user_id if identity else None,
        org_id=identity.org_id if identity else None,
        username=identity.username if identity else None,
    )
    who = f" as {identity.username}" if identity and identity.username else ""
    _say(f"auditing {connection.instance_url}{who} ({connection.auth_method})")
    snapshot = collect(target, config, target_user=user, strategy=strategy, trust_status=trust_status)
    # Report the full cost, the login and identity requests included.
    return replace(snapshot, api_usage=session.stats.usage())


@app.command("checks")
def list_checks(
    output_format: str = typer.Option("text", "--format", "-f", help="text or json."),
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


@app.command()
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
    output_format: str = typer.Option("text", "--format", "-f", help="text or json."),
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
        options = _connection_options(values, settings, replayed.instance_url if replayed else None)
        session = _session(options, timeout=timeout, deadline=None, debug=debug, record=False, offline=replay is not None)
        try:
            connection = _open_connection(options, session, replayed)
        except ApiAccessRefused as refused:
            raise AuditIncomplete(f"Salesforce refused API access ({refused.error_code}): {refused.message}") from None
        identity = connection.identity
        target = CollectTarget(session, connection.instance_url, dict(connection.sf.headers), options.api_version,
                               identity.user_id if identity else None, identity.org_id if identity else None,
                               identity.username if identity else None)
        org, user = collect_identity(target)
    facts = {
        "instance_url": connection.instance_url,
        "auth_method": connection.auth_method,
        "api_version": options.api_version,
        "org": None if isinstance(org, Unavailable) else {"id": org.id, "name": org.name, "edition": org.edition,
                                                           "instance_name": org.instance_name, "is_sandbox": org.is_sandbox},
        "user": None if isinstance(user, Unavailable) else {"id": user.id, "username": user.username, "name": user.name,
                                                             "profile": user.profile_name, "user_license": user.user_license,
                                                             "is_active": user.is_active},
    }
    if output_format == "json":
        typer.echo(json.dumps(facts, indent=2, sort_keys=True))
    else:
        lines = [f"Instance:   {connection.instance_url} (API v{options.api_version}, {connection.auth_method})"]
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
        raise typer.Exit(EXIT_INCOMPLETE)


@app.command()
def explain(
    target: str = typer.Argument(..., help="OBJECT or OBJECT.FIELD, e.g. Contact or Contact.MailingCountry."),
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
    user: Optional[str] = typer.Option(None, "--user", help="Explain for this user (username or 005 id) instead of the connected user."),
    mappings: Optional[Path] = typer.Option(None, "--mappings", help="Field mappings file (.csv or .toml). Default: HubSpot's standard mappings.", dir_okay=False),
    replay: Optional[Path] = Replay,
    snapshot_in: Optional[Path] = typer.Option(None, "--snapshot", help="Explain from a saved snapshot instead of connecting.", dir_okay=False),
    timeout: Optional[float] = Timeout,
    deadline: Optional[float] = Deadline,
    debug: bool = Debug,
    config_file: Optional[Path] = ConfigFile,
) -> None:
    """Show what the integration user can do on one object or field, and which permission sets say so."""
    from auditor.explain import UnknownTarget
    from auditor.explain import explain as explain_target

    settings = load_settings(config_file)
    config = _audit_config(settings, mappings, None, None, None)
    values = _connection_values(locals())
    if snapshot_in is not None:
        try:
            snapshot = snapshot_from_json(snapshot_in.read_text(encoding="utf-8"))
        except OSError as exc:
            raise UsageError(f"snapshot {snapshot_in}: cannot read ({exc.strerror or exc})") from None
        except SnapshotFormatError as exc:
            raise UsageError(f"snapshot {snapshot_in}: {exc}") from None
    else:
        with _offline(replay) as replayed:
            options = _connection_options(values, settings, replayed.instance_url if replayed else None)
            session = _session(options, timeout=timeout, deadline=deadline, debug=debug, record=False,
                               offline=replay is not None)
            snapshot = _collect(options, session, config, user, Strategy.COMPOSITE, replayed=replayed)
    if snapshot.api_refusal is not None:
        raise AuditIncomplete(f"Salesforce refused API access ({snapshot.api_refusal.error_code}): {snapshot.api_refusal.message}")
    try:
        text = explain_target(snapshot, config, target)
    except UnknownTarget as exc:
        raise UsageError(str(exc)) from None
    typer.echo(text, nl=False)


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
    """Console entry point: one clear line and a documented exit status, never a traceback."""
    try:
        status = app(standalone_mode=False)
    except typer.Exit as exc:
        status = exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        _say("interrupted")
        status = 130
    except typer.TyperException as exc:  # bad flag or value: Typer's (vendored click) usage errors
        _say(exc.format_message())
        status = EXIT_USAGE
    except AuditorError as exc:
        _say(str(exc))
        status = exc.exit_status
    except Exception as exc:  # a bug: one line, redacted, never a traceback
        _say(f"internal error ({type(exc).__name__}): {Redactor().redact(str(exc))[:300]}; please report it")
        status = EXIT_INCOMPLETE
    sys.exit(status if isinstance(status, int) else EXIT_OK)
