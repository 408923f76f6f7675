"""`auditor explain TARGET`: what the integration user can do on one object or field, and why."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from auditor.commands import session as connecting
from auditor.commands.console import informer, progress
from auditor.commands.inputs import audit_config
from auditor.errors import AuditIncomplete, UsageError
from auditor.report.text_or_json import TextOrJson
from auditor.settings import ConnectionFlags, read_settings


def run_explain(target: str, flags: ConnectionFlags, output_format: TextOrJson, *, user: str | None,
                mappings: Path | None, replay: Path | None, snapshot_in: Path | None, timeout: float | None,
                deadline: float | None, quiet: bool, debug: bool, config_file: Path | None) -> None:
    from auditor.explain import UnknownTarget, explain_document, parse_target

    try:
        parse_target(target)  # before connecting: a typo costs no login
    except UnknownTarget as exc:
        raise UsageError(str(exc)) from None
    settings = read_settings(config_file)
    config = audit_config(settings, mappings)
    if snapshot_in is not None:
        snapshot = connecting.load_snapshot(snapshot_in)
    else:
        with connecting.offline(replay) as replayed:
            options = connecting.with_secrets(connecting.connection_options(
                flags, settings, replayed.instance_url if replayed else None))
            session = connecting.http_session(timeout=timeout, deadline=deadline, debug=debug, record=False,
                                              offline=replay is not None)
            from auditor.collect import Strategy

            snapshot = connecting.collect_snapshot(options, session, config, user, Strategy.COMPOSITE,
                                                   replayed=replayed, info=informer(quiet),
                                                   progress=progress(quiet, debug, options.instance_url))
    if snapshot.api_refusal is not None:
        raise AuditIncomplete(f"Salesforce refused API access ({snapshot.api_refusal.error_code}): {snapshot.api_refusal.message}")
    try:
        document = explain_document(snapshot, config, target)
    except UnknownTarget as exc:
        raise UsageError(str(exc)) from None
    if output_format is TextOrJson.JSON:
        typer.echo(json.dumps(document, indent=2, sort_keys=True))
    else:
        typer.echo(str(document["text"]), nl=False)
