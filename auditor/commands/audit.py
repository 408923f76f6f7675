"""`auditor audit`: one org (live, replayed or a saved snapshot) or several orgs, into reports in
the chosen formats, and the exit status of the result."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import typer

from auditor.commands import session as connecting
from auditor.commands.console import informer, progress, say
from auditor.commands.inputs import audit_config
from auditor.config import AuditConfig
from auditor.errors import AuditorError, ExitStatus, UsageError
from auditor.model import FailOn, Ignore, Report, Status
from auditor.output import is_stdout, write_output
from auditor.redact import active
from auditor.report import OutputFormat, render, summary_line
from auditor.settings import ConnectionFlags, read_settings
from auditor.snapshot import ApiUsage, OrgInfo, OrgSnapshot, UserInfo, snapshot_to_json
from auditor.terminal import is_terminal, report_width, use_color

if TYPE_CHECKING:
    from auditor.anonymize import Anonymizer
    from auditor.connect import ConnectionOptions
    from auditor.transport import GuardedSession


@dataclass(frozen=True)
class AuditRequest:
    """Everything `auditor audit` was asked, as typed values (flags and environment; the settings
    file is read by :func:`run_audit`)."""

    connection: ConnectionFlags
    target_orgs: tuple[str, ...]
    user: str | None
    skip: list[str] | None
    trust_status: bool
    no_trust_status: bool
    mappings: Path | None
    hubspot_allocation: int | None
    expected_records: int | None
    headroom: float | None
    expiry_warning_days: int | None
    config_file: Path | None
    output_format: list[OutputFormat] | None
    output: Path | None
    output_dir: Path | None
    fail_on: FailOn | None
    verbose: bool
    quiet: bool
    replay: Path | None
    record: Path | None
    anonymize: bool
    snapshot_in: Path | None
    save_snapshot: Path | None
    timeout: float | None
    deadline: float | None
    debug: bool
    jobs: int | None
    strategy: str


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
        say(f"warning: {ignore.source} ({ignore.describe()}) expired on {ignore.until}; "
            "it no longer applies: renew it with a reason, or fix the finding")
    return replace(report, findings=findings, expired_ignores=expired, audited_at=started,
                   duration_s=round(duration_s, 3))


def chosen_formats(output_format: list[OutputFormat] | None, output: Path | None,
                   output_dir: Path | None) -> list[OutputFormat]:
    """The formats asked for: with --output-dir all of them (none given: every format); else the last."""
    if output is not None and output_dir is not None:
        raise UsageError("--output and --output-dir exclude each other (--output-dir writes DIR/audit.<ext>)")
    formats = list(dict.fromkeys(output_format or []))
    if not formats:
        return list(OutputFormat) if output_dir is not None else [OutputFormat.TABLE]
    if output_dir is None:
        return formats[-1:]  # one output: the last --format wins, as for any repeated flag
    return formats


def write_reports(render_one: Callable[[OutputFormat], str], formats: list[OutputFormat], output: Path | None,
                  output_dir: Path | None, *, announce: bool = True, color: bool = False,
                  info: Callable[[str], None] = say) -> None:
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


def run_audit(request: AuditRequest) -> None:
    """Audit the org(s) ``request`` names; raises typer.Exit with the documented exit status."""
    from auditor.collect import Strategy

    r = request
    if r.trust_status and r.no_trust_status:
        raise UsageError("--trust-status and --no-trust-status contradict each other: give one")
    if r.anonymize and r.record is None:
        raise UsageError("--anonymize only applies with --record FILE")
    try:
        chosen_strategy = Strategy(r.strategy)
    except ValueError:
        raise UsageError(f"--strategy {r.strategy}: use {' or '.join(s.value for s in Strategy)}") from None
    started, clock = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0), perf_counter()
    settings = read_settings(r.config_file)
    config = audit_config(settings, r.mappings, r.hubspot_allocation, r.expected_records, r.headroom, r.skip,
                          r.expiry_warning_days)
    formats = chosen_formats(r.output_format, r.output, r.output_dir)
    threshold = r.fail_on or settings.fail_on or FailOn.FAIL
    ignores = settings.ignore
    orgs = list(dict.fromkeys(r.target_orgs or settings.orgs or ()))
    flags = replace(r.connection, target_org=orgs[0] if len(orgs) == 1 else None)
    ask_trust = r.trust_status or (not r.no_trust_status and settings.trust_status)
    info = informer(r.quiet)
    if len(orgs) > 1:
        conflicting = [flag for flag, given in (("--replay", r.replay), ("--snapshot", r.snapshot_in),
                                                ("--record", r.record), ("--save-snapshot", r.save_snapshot),
                                                ("--output", r.output)) if given]
        if conflicting:
            raise UsageError(f"{conflicting[0]} audits one org; with several --target-org use --output-dir")
        from auditor.many import audit_orgs, org_directory

        def one(alias: str) -> Report:
            options = connecting.connection_options(replace(flags, target_org=alias), settings, None)
            session = connecting.http_session(timeout=r.timeout, deadline=r.deadline, debug=r.debug, record=False,
                                              offline=False)
            org_started, org_clock = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0), perf_counter()
            snapshot = connecting.collect_snapshot(options, session, config, r.user, chosen_strategy,
                                                   trust_status=ask_trust, info=info)
            return finish_report(build_report(snapshot, config), ignores, org_started, perf_counter() - org_clock)

        from auditor.report.combined import render_combined

        outcomes = audit_orgs(orgs, one, jobs=r.jobs or settings.jobs or 4,
                              status_of=lambda report: exit_status(report, threshold))
        status = worst_exit_status([o.exit_status for o in outcomes])
        if r.output_dir is not None:
            for outcome in outcomes:
                if outcome.report is not None:
                    done = outcome.report
                    write_reports(lambda fmt: render(done, fmt, verbose=r.verbose), formats, None,
                                  r.output_dir / org_directory(outcome.target), announce=False)
        write_reports(lambda fmt: render_combined(outcomes, fmt, status, verbose=r.verbose), formats, None,
                      r.output_dir, info=info)
        for outcome in outcomes:
            line = summary_line(outcome.report).removeprefix("auditor: ") if outcome.report else outcome.error
            say(f"{outcome.target}: {line} (exit {outcome.exit_status})")
        raise typer.Exit(status)

    offline_source: str | None = None
    if r.snapshot_in is not None:
        snapshot = connecting.load_snapshot(r.snapshot_in)
        offline_source = f"snapshot {r.snapshot_in}"
        info(f"evaluating snapshot {r.snapshot_in}, collected {snapshot.collected_at} from {snapshot.instance_url}; "
             "nothing is sent to Salesforce")
    else:
        offline_source = f"cassette {r.replay}" if r.replay is not None else None
        options: ConnectionOptions | None = None
        session: GuardedSession | None = None
        try:
            with connecting.offline(r.replay) as replayed:
                options = connecting.with_secrets(connecting.connection_options(
                    flags, settings, replayed.instance_url if replayed else None))
                session = connecting.http_session(timeout=r.timeout, deadline=r.deadline, debug=r.debug,
                                                  record=r.record is not None, offline=r.replay is not None)
                collected: OrgSnapshot | None = None
                try:
                    collected = connecting.collect_snapshot(
                        options, session, config, r.user, chosen_strategy, trust_status=ask_trust,
                        replayed=replayed, info=info, progress=progress(r.quiet, r.debug, options.instance_url))
                finally:
                    # Recorded even when the audit stops early: that is when a recording helps most.
                    if r.record is not None and session.stats.exchanges:
                        from auditor import cassette

                        anonymizer = _anonymizer(collected, options) if r.anonymize else None
                        cassette.write_cassette(r.record, session.stats.exchanges, session.redactor, anonymizer)
                        info(f"recorded {len(session.stats.exchanges)} answers to {r.record}")
                snapshot = collected
        except AuditorError as stopped:
            if stopped.exit_status == ExitStatus.INCOMPLETE and options is not None:
                # Never leave last night's report in place: write one that says why there is none.
                usage = session.stats.usage() if session is not None else None
                _write_incomplete_reports(stopped, options.instance_url or "", options.api_version, config, usage,
                                          formats, r.output, r.output_dir)
            raise
    if r.save_snapshot is not None:
        write_output(r.save_snapshot, snapshot_to_json(active().redact_values(snapshot)))

    report = finish_report(build_report(snapshot, config, offline_source), ignores, started, perf_counter() - clock)
    # The table fits the terminal it is shown on; a file or a pipe gets the full grid, uncoloured.
    to_screen = r.output is None and r.output_dir is None
    color = to_screen and use_color(sys.stdout)
    width = report_width(sys.stdout) if to_screen else None
    # Written even when the audit could not complete (exit 3): a CI job keeps what it has.
    write_reports(lambda fmt: render(report, fmt, verbose=r.verbose, width=width, color=color), formats, r.output,
                  r.output_dir, color=color, info=info)
    # The table ends with the summary line: on a terminal showing both streams, say it once.
    summary_on_screen = (to_screen and formats == [OutputFormat.TABLE]
                         and is_terminal(sys.stdout) and is_terminal(sys.stderr))
    if not summary_on_screen:
        info(summary_line(report).removeprefix("auditor: "))
    status = exit_status(report, threshold)
    if status == ExitStatus.INCOMPLETE:
        # The one-line reason: the first check that could not be evaluated, and how to fix that.
        first = report.suspension_findings(Status.ERROR)[0]
        say(f"could not complete: {first.message} Fix: {first.remediation}")
    raise typer.Exit(status)


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
        write_reports(lambda fmt: render(report, fmt), formats, output, output_dir, announce=False)


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
