"""The sample Reports behind the reporter golden files, and the one script that rewrites them.

Run ``/tmp/venv/bin/python tests/regen_golden.py`` after an intended change to a formatter,
then review ``git diff tests/golden`` before committing: the diff *is* the change users see.
tests/test_report_formats.py loads this file by path and compares every output byte for byte.
It also rewrites the terminal screenshots in tests/golden/terminal/ (the demo cassette's report
captured through a pseudo terminal, see tests/ptyrun.py; checked by
tests/test_terminal_screenshots.py): run it after changing the demo cassette or the checks too.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

from auditor.model import Category, Finding, Ignore, Report, Status
from auditor.report import EXTENSIONS, OutputFormat, render
from auditor.snapshot import ApiUsage, OrgInfo, UserInfo
from auditor.suspensions import Suspension as S

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"

# JUnit requires a timestamp and a duration: the samples inject fixed ones (the CLI uses the clock).
AUDITED_AT = datetime(2026, 12, 2, 14, 5, 9)

PROFILE = "profile 'HubSpot Integration User'"
PERMSET = "permission set 'HubSpot Integration'"


def _report(
    findings: list[Finding],
    *,
    org: OrgInfo | None,
    user: UserInfo | None,
    api_version: str,
    instance_url: str,
    api_usage: ApiUsage,
    expired_ignores: tuple[Ignore, ...] = (),
) -> Report:
    # Reports reach the formatters sorted (model.Finding.sort_key); do the same here.
    return Report(
        findings=tuple(sorted(findings, key=Finding.sort_key)),
        org=org,
        user=user,
        api_version=api_version,
        instance_url=instance_url,
        api_usage=api_usage,
        audited_at=AUDITED_AT,
        duration_s=1.25,
        expired_ignores=expired_ignores,
    )


def failing() -> Report:
    """Fails across several suspensions, with lookup paths, sources, warnings and passes, and
    text that needs escaping in every format (pipes, quotes, commas, markup, newlines)."""
    findings = [
        Finding(
            "object-access", S.SF_OBJECT_PERMISSIONS, Status.FAIL,
            "No Edit on Account, which Contact.AccountId points to; HubSpot updates the "
            "related account when it syncs a contact.",
            "Give Edit on Account to the integration user (e.g. in the HubSpot Integration "
            "permission set).",
            object="Account",
            lookup_path=("Contact.AccountId", "Account"),
            sources=(PROFILE, PERMSET),
        ),
        Finding(
            "object-access", S.SF_OBJECT_PERMISSIONS, Status.FAIL,
            "No Read, no Edit on Campaign.",
            "Give Read and Edit on Campaign.",
            object="Campaign",
        ),
        Finding(
            "object-access", S.SF_OBJECT_PERMISSIONS, Status.PASS,
            "Read, Create and Edit on Contact.", "", object="Contact", sources=(PROFILE,),
        ),
        Finding(
            "object-access", S.SF_OBJECT_PERMISSIONS, Status.PASS,
            "Read, Create and Edit on Lead.", "", object="Lead", sources=(PROFILE,),
        ),
        Finding(
            "hubspot-permission-set", S.SF_OBJECT_PERMISSIONS, Status.PASS,
            "The HubSpot Integration permission set is assigned.", "", sources=(PERMSET,),
        ),
        Finding(
            "field-access", S.SF_FIELD_PERMISSIONS, Status.FAIL,
            "Region__c is read-only for the user: the mapping \"Region | Territory\" writes it.",
            "Grant field-level Edit on Account.Region__c (Setup > Object Manager > Account > "
            "Fields & Relationships > Region > Set Field-Level Security).",
            object="Account",
            field="Account.Region__c",
            lookup_path=("Contact.AccountId", "Account.Region__c"),
            sources=(PERMSET,),
        ),
        Finding(
            "field-access", S.SF_FIELD_PERMISSIONS, Status.FAIL,
            "Contact.Email is not readable.",
            "Grant field-level Read and Edit on Contact.Email.",
            object="Contact",
            field="Contact.Email",
        ),
        Finding(
            "field-access", S.SF_FIELD_PERMISSIONS, Status.WARN,
            "Lead.Rating is readable but not editable;\nHubSpot only reads it today.",
            "Grant Edit if you plan to sync <Rating> both ways.",
            object="Lead",
            field="Lead.Rating",
            sources=(PROFILE,),
        ),
        Finding(
            "field-access", S.SF_FIELD_PERMISSIONS, Status.PASS,
            "Read and Edit.", "", object="Contact", field="Contact.FirstName",
            sources=(PROFILE,),
        ),
        Finding(
            "other-writers", S.SF_ORG_LOCKED, Status.WARN,
            "2 active triggers write to Contact (ContactRollup, Territory_Assign); a row lock "
            "can suspend the sync.",
            "Schedule heavy automation outside sync windows, or make the triggers bulk-safe.",
            object="Contact",
        ),
        Finding(
            "api-enabled", S.SF_API_DISABLED, Status.PASS,
            "API Enabled is granted.", "", sources=(PROFILE,),
        ),
        Finding(
            "api-edition", S.SF_API_DISABLED, Status.PASS,
            "Enterprise Edition includes API access.", "",
        ),
        Finding(
            "api-headroom", S.SF_API_LIMIT_EXCEEDED, Status.PASS,
            "61,000 of 100,000 daily API requests remain.", "",
        ),
        # Risks (issue 15): no suspension code, their own sections after the suspensions.
        Finding(
            "sync-validation-rules", None, Status.WARN,
            "Active validation rule 'Phone_Required' on Lead rejects a HubSpot write that meets its condition, "
            "with the error 'Phone is required'. Formula: ISBLANK(Phone)",
            "Setup > Object Manager > Lead > Validation Rules > Phone_Required: make sure HubSpot's records satisfy it.",
            object="Lead", field="Lead.Phone", category=Category.SYNC_ERROR_RISK,
        ),
        Finding(
            "sync-required-fields", None, Status.PASS,
            "Every field required on Contact is defaulted or filled by a mapping.", "",
            object="Contact", category=Category.SYNC_ERROR_RISK,
        ),
        Finding(
            "integration-user-posture", None, Status.WARN,
            "'hubspot@acme.example.com' holds ModifyAllData: from July 2026 Salesforce requires phishing-resistant MFA.",
            "Register a security key or passkey for this user.", sources=(PROFILE,),
            category=Category.CONNECTION_RISK,
        ),
    ]
    return _report(
        findings,
        org=OrgInfo(
            id="00D5g000004XyZaEAK",
            name="Acme, Inc.",
            edition="Enterprise Edition",
            instance_name="NA139",
            is_sandbox=False,
            trial_expiration_date=None,
        ),
        user=UserInfo(
            id="0055g00000AbCdEAAV",
            username="hubspot@acme.example",
            name="HubSpot Integration",
            is_active=True,
            user_type="Standard",
            profile_id="00e5g000001AbCdAAK",
            profile_name="HubSpot Integration User",
            user_license="Salesforce",
        ),
        api_version="62.0",
        instance_url="https://acme.my.salesforce.com",
        api_usage=ApiUsage(http_requests=14, api_calls=11),
    )


def all_pass() -> Report:
    """A sandbox where every check passes."""
    findings = [
        Finding("api-enabled", S.SF_API_DISABLED, Status.PASS, "API Enabled is granted.", "",
                sources=(PERMSET,)),
        Finding("api-headroom", S.SF_API_LIMIT_EXCEEDED, Status.PASS,
                "14,200 of 15,000 daily API requests remain.", ""),
        Finding("storage-headroom", S.SF_STORAGE_LIMIT, Status.PASS,
                "812 MB of 1,024 MB data storage free.", ""),
        Finding("mappings-present", S.MISSING_FIELD_MAPPINGS, Status.PASS,
                "42 standard mappings, every field exists.", ""),
    ] + [
        Finding("object-access", S.SF_OBJECT_PERMISSIONS, Status.PASS,
                f"Read, Create and Edit on {name}.", "", object=name, sources=(PERMSET,))
        for name in ("Account", "Campaign", "Contact", "Lead", "Opportunity", "Task", "User")
    ]
    return _report(
        findings,
        org=OrgInfo(
            id="00D0x0000008aBcEAE",
            name="Acme UAT",
            edition="Developer Edition",
            instance_name=None,
            is_sandbox=True,
            trial_expiration_date=None,
        ),
        user=UserInfo(
            id="0050x000001XyZAAA0",
            username="hubspot@acme.example.uat",
            name="HubSpot Integration",
            is_active=False,
            user_type="Standard",
            profile_id="00e0x000000AbCdAAK",
            profile_name=None,
            user_license=None,
        ),
        api_version="62.0",
        instance_url="https://acme--uat.sandbox.my.salesforce.com",
        api_usage=ApiUsage(http_requests=1, api_calls=1),
    )


def errors() -> Report:
    """The org could not be read: no org or user, errors (one with a control character and a
    raw error body), a warning, and no fail."""
    findings = [
        Finding(
            "org-reachable", S.SF_ORG_UNAVAILABLE, Status.ERROR,
            "GET /services/data/v62.0/sobjects answered HTTP 503 (maintenance page).",
            "Check status.salesforce.com and re-run the audit.",
        ),
        Finding(
            "unexpected-answer", S.UNKNOWN_ERROR, Status.ERROR,
            "Salesforce answered something unexpected: "
            "[{\"errorCode\": \"WEIRD\", \"message\": \"a\x07b & <c>\"}]",
            "Re-run the audit; contact HubSpot support if it persists.",
            object="PermissionSetAssignment",
        ),
        Finding(
            "api-enabled", S.SF_API_DISABLED, Status.ERROR,
            "Could not read the user's permission sets (not collected: the org was unavailable).",
            "Re-run the audit when the org answers.",
        ),
        Finding(
            "server-errors", S.SF_SERVER_ERROR, Status.WARN,
            "1 request failed with HTTP 500 UNKNOWN_EXCEPTION and succeeded on retry.",
            "None needed unless it recurs; check Salesforce status.",
        ),
    ]
    return _report(
        findings,
        org=None,
        user=None,
        api_version="62.0",
        instance_url="https://acme.my.salesforce.com",
        api_usage=ApiUsage(http_requests=3, api_calls=0),
    )


def ignored() -> Report:
    """Accepted findings: a fail and a warn covered by [[ignore]] entries (one with a date), a
    fail that is not, and an expired entry that no longer applies."""
    accepted = Ignore("field-access", "Fax is not synced any more; mapping removed next sprint",
                      field="Lead.Fax", until=date(2027, 3, 31), source="auditor.toml: ignore[1]")
    triggers = Ignore("row-lock-risk", "triggers are bulk-safe (reviewed in CHG-1042)", source="auditor.toml: ignore[2]")
    expired = Ignore("object-access", "Campaigns come later", object="Campaign", until=date(2026, 1, 31),
                     source="auditor.toml: ignore[3]")
    findings = [
        Finding("field-access", S.SF_FIELD_PERMISSIONS, Status.FAIL, "Lead.Fax is not readable.",
                "Grant field-level Read and Edit on Lead.Fax.", object="Lead", field="Lead.Fax", ignored=accepted),
        Finding("field-access", S.SF_FIELD_PERMISSIONS, Status.PASS, "Read and Edit.", "", object="Contact",
                field="Contact.Email", sources=(PROFILE,)),
        Finding("row-lock-risk", S.SF_ORG_LOCKED, Status.WARN, "1 active trigger writes to Contact (ContactRollup).",
                "Make the trigger bulk-safe.", object="Contact", ignored=triggers),
        Finding("object-access", S.SF_OBJECT_PERMISSIONS, Status.FAIL, "No Read, no Edit on Campaign.",
                "Give Read and Edit on Campaign.", object="Campaign"),
    ]
    report = failing()
    return _report(findings, org=report.org, user=report.user, api_version="62.0",
                   instance_url=report.instance_url, api_usage=ApiUsage(http_requests=3, api_calls=2),
                   expired_ignores=(expired,))


SAMPLES = {"failing": failing, "all_pass": all_pass, "errors": errors, "ignored": ignored}


def expected_outputs() -> dict[str, str]:
    """Golden file name -> the content the formatters produce now."""
    outputs: dict[str, str] = {}
    for name, build in SAMPLES.items():
        report = build()
        for fmt, ext in EXTENSIONS.items():
            outputs[f"{name}.{ext}"] = render(report, fmt)
        outputs[f"{name}.verbose.txt"] = render(report, OutputFormat.TABLE, verbose=True)
    return outputs


def golden_files() -> set[str]:
    """Names of the golden files on disk (dotfiles such as .gitattributes excluded)."""
    return {p.name for p in GOLDEN_DIR.iterdir() if p.is_file() and not p.name.startswith(".")}


def main() -> int:
    GOLDEN_DIR.mkdir(exist_ok=True)
    outputs = expected_outputs()
    for name, content in sorted(outputs.items()):
        path = GOLDEN_DIR / name
        data = content.encode("utf-8")
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
            print(f"wrote   {path.relative_to(GOLDEN_DIR.parent.parent)}")
    for name in sorted(golden_files() - outputs.keys()):
        (GOLDEN_DIR / name).unlink()
        print(f"removed {(GOLDEN_DIR / name).relative_to(GOLDEN_DIR.parent.parent)}")
    sys.path.insert(0, str(GOLDEN_DIR.parent.parent))  # run as a script: make `tests` importable
    from tests.fix_golden import write_golden  # tests/golden/fix/: the permission set `auditor fix` writes

    write_golden()
    _write_screenshots()
    return 0


def _write_screenshots() -> None:
    sys.path.insert(0, str(GOLDEN_DIR.parent.parent))
    from tests.ptyrun import SCREENSHOT_DIR, SCREENSHOTS, screenshot

    SCREENSHOT_DIR.mkdir(exist_ok=True)
    for name, columns in SCREENSHOTS:
        path = SCREENSHOT_DIR / name
        data = screenshot(columns).encode("utf-8")
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
            print(f"wrote   {path.relative_to(GOLDEN_DIR.parent.parent)}")


if __name__ == "__main__":
    sys.exit(main())
