"""`auditor whoami`: connect (or replay) and show who an audit would run as."""

from __future__ import annotations

from pathlib import Path

import typer

from auditor.commands import session as connecting
from auditor.errors import AuditIncomplete, ExitStatus
from auditor.report.text_or_json import TextOrJson
from auditor.report.whoami import WHOAMI_FORMATTERS, Whoami
from auditor.settings import ConnectionFlags, read_settings
from auditor.snapshot import Unavailable


def run_whoami(flags: ConnectionFlags, output_format: TextOrJson, *, replay: Path | None, timeout: float | None,
               debug: bool, config_file: Path | None) -> None:
    """Print the identity; exit 3 when the org or the user could not be read."""
    settings = read_settings(config_file)
    from auditor.connect import ApiAccessRefused

    with connecting.offline(replay) as replayed:
        options = connecting.with_secrets(connecting.connection_options(
            flags, settings, replayed.instance_url if replayed else None))
        session = connecting.http_session(timeout=timeout, deadline=None, debug=debug, record=False,
                                          offline=replay is not None)
        try:
            connection = connecting.open_session(options, session, replayed)
        except ApiAccessRefused as refused:
            raise AuditIncomplete(f"Salesforce refused API access ({refused.error_code}): {refused.message}") from None
        from auditor.collect import collect_identity

        org, user = collect_identity(connection)
    who = Whoami(instance_url=connection.base_url, auth_method=str(connection.auth_method),
                 api_version=connection.api_version, org=org, user=user)
    typer.echo(WHOAMI_FORMATTERS[output_format](who))
    if isinstance(org, Unavailable) or isinstance(user, Unavailable):
        raise typer.Exit(ExitStatus.INCOMPLETE)
