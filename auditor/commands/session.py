"""From typed flags and settings to a collected snapshot: login options, the guarded HTTP session,
replay of a cassette, prompts for missing secrets, connect and collect (shared by every command
that talks to an org)."""

from __future__ import annotations

import contextlib
import getpass
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from auditor.commands.console import say
from auditor.config import AuditConfig
from auditor.errors import UsageError
from auditor.redact import active
from auditor.settings import ConnectionFlags, Settings
from auditor.snapshot import OrgSnapshot, SnapshotFormatError, snapshot_from_json

if TYPE_CHECKING:
    from auditor.collect import Strategy
    from auditor.connect import ConnectionOptions, Identity, OrgSession
    from auditor.progress import CollectProgress
    from auditor.transport import GuardedSession


def connection_options(flags: ConnectionFlags, settings: Settings, replay_url: str | None) -> ConnectionOptions:
    """The login options from flags, environment and settings; UsageError for a bad --api-version."""
    from auditor.connect import ConnectionOptions, normalise_api_version

    def pick(name: str) -> str | None:
        value: str | None = getattr(flags, name)
        return value if value is not None else settings.connection_value(name)

    private_key = None
    if pick("private_key_file") is None and os.environ.get("SF_JWT_KEY"):
        private_key = os.environ["SF_JWT_KEY"]
    instance_url = pick("instance_url")
    access_token = flags.access_token
    login_given = any((flags.username, flags.client_id, flags.target_org))
    if replay_url is not None and not login_given:
        # Offline: the cassette answers; the session needs a token, which is never sent anywhere.
        instance_url = instance_url or replay_url
        access_token = access_token or "replay-token"
    key_file = pick("private_key_file")
    options: dict[str, Any] = dict(
        instance_url=instance_url,
        access_token=access_token,
        username=pick("username"),
        password=flags.password,
        security_token=flags.security_token,
        client_id=pick("client_id"),
        client_secret=flags.client_secret,
        private_key_file=Path(key_file) if key_file else None,
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
class Replay:
    path: Path
    instance_url: str
    identity: Identity | None  # from a recorded login answer, when the recording has one


@contextlib.contextmanager
def offline(replay: Path | None) -> Iterator[Replay | None]:
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
        yield Replay(replay, cassette.cassette_instance_url(entries), identity)


def http_session(*, timeout: float | None, deadline: float | None, debug: bool, record: bool,
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


def interactive() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


def with_secrets(options: ConnectionOptions) -> ConnectionOptions:
    """The options with a missing access token, password or client secret asked for on a terminal."""
    from auditor.connect import resolve_missing_secrets

    return resolve_missing_secrets(options, interactive(), lambda prompt: getpass.getpass(f"{prompt}: "))


def open_session(options: ConnectionOptions, http: GuardedSession, replayed: Replay | None = None,
                 progress: CollectProgress | None = None) -> OrgSession:
    from auditor.connect import connect

    if progress is not None:  # secrets were asked for before: a spinner must not overwrite a prompt
        progress.attach(http)
        progress.start()
    # A recording made with a password/JWT/client-credentials login names the user in its
    # login answer and has no userinfo answer to replay.
    return connect(options, http, known_identity=replayed.identity if replayed is not None else None)


def load_snapshot(path: Path) -> OrgSnapshot:
    try:
        return snapshot_from_json(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"snapshot {path}: cannot read ({exc.strerror or exc})") from None
    except SnapshotFormatError as exc:
        raise UsageError(f"snapshot {path}: {exc}") from None


def collect_snapshot(options: ConnectionOptions, session: GuardedSession, config: AuditConfig, user: str | None,
                     strategy: Strategy, *, trust_status: bool = False, replayed: Replay | None = None,
                     info: Callable[[str], None] = say, progress: CollectProgress | None = None) -> OrgSnapshot:
    with progress if progress is not None else contextlib.nullcontext():
        return _connect_and_collect(options, session, config, user, strategy, trust_status, replayed, info, progress)


def _connect_and_collect(options: ConnectionOptions, session: GuardedSession, config: AuditConfig, user: str | None,
                         strategy: Strategy, trust_status: bool, replayed: Replay | None,
                         info: Callable[[str], None], progress: CollectProgress | None) -> OrgSnapshot:
    from auditor.collect import collect, login_refusal_snapshot
    from auditor.collect.trust import with_trust_status
    from auditor.connect import ApiAccessRefused

    try:
        org = open_session(options, session, replayed, progress)
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
