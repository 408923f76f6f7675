"""`auditor fix`: a permission set granting exactly what the audit found missing, and the manual steps."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import typer

from auditor.commands import session as connecting
from auditor.commands.console import say
from auditor.commands.inputs import audit_config
from auditor.config import AuditConfig
from auditor.errors import UsageError
from auditor.settings import ConnectionFlags, Settings, read_settings
from auditor.snapshot import OrgSnapshot


@dataclass(frozen=True)
class FixRequest:
    """What `auditor fix` was asked, as typed values."""

    connection: ConnectionFlags
    user: str | None
    mappings: Path | None
    from_report: Path | None
    out: Path | None
    name: str
    label: str
    force: bool
    output_format: str
    replay: Path | None
    snapshot_in: Path | None
    timeout: float | None
    deadline: float | None
    debug: bool
    config_file: Path | None


def _saved_or_collected(request: FixRequest, settings: Settings, config: AuditConfig) -> OrgSnapshot:
    """A saved snapshot (--snapshot), or one collected now (own session, --user, --replay)."""
    if request.snapshot_in is not None:
        return connecting.load_snapshot(request.snapshot_in)
    from auditor.collect import Strategy

    with connecting.offline(request.replay) as replayed:
        options = connecting.with_secrets(connecting.connection_options(
            request.connection, settings, replayed.instance_url if replayed else None))
        session = connecting.http_session(timeout=request.timeout, deadline=request.deadline, debug=request.debug,
                                          record=False, offline=request.replay is not None)
        return connecting.collect_snapshot(options, session, config, request.user, Strategy.COMPOSITE,
                                           replayed=replayed)


def run_fix(request: FixRequest) -> None:
    """Plan, write (with --out) and print the fix; raises typer.Exit with its exit status."""
    from auditor.checks import evaluate
    from auditor.fix.plan import plan_fix
    from auditor.fix.render import FixFormat
    from auditor.fix.run import plan_from_report, run_fix as write_fix
    from auditor.fix.writer import check_label, check_name

    r = request
    try:
        fmt = FixFormat(r.output_format)
    except ValueError:
        raise UsageError(f"--format {r.output_format}: use table, json or markdown") from None
    check_name(r.name)
    check_label(r.label)
    if r.from_report is not None:
        # Connection options (often set in the environment) are simply not used; these would change the answer.
        given = [flag for flag, value in (("--replay", r.replay), ("--snapshot", r.snapshot_in), ("--user", r.user),
                                          ("--mappings", r.mappings)) if value is not None]
        if given:
            raise UsageError(f"--from-report cannot be combined with {given[0]}: the report already says what is missing")
        plan = plan_from_report(r.from_report)
        source: str | None = r.from_report.name
    else:
        settings = read_settings(r.config_file)
        config = audit_config(settings, r.mappings)
        snapshot = _saved_or_collected(r, settings, config)
        plan = plan_fix(evaluate(snapshot, config), snapshot, config)
        source = None
    result = write_fix(plan, name=r.name, label=r.label, out=r.out, fmt=fmt, force=r.force, source=source)
    typer.echo(result.text, nl=not result.text.endswith("\n"))
    say(result.summary)
    raise typer.Exit(result.exit_status)
