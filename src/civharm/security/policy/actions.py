"""What each role may do beyond reading what it may see."""

from __future__ import annotations

from enum import StrEnum

from civharm.errors import PermissionDeniedError
from civharm.security.principal import Principal, Role


class Action(StrEnum):
    """Things a role may do beyond reading what it may see."""

    SUBMIT_REPORT = "submit_report"
    #: Create and change incidents, reports and casualty records; triage and link.
    EDIT_RECORDS = "edit_records"
    ASSESS = "assess"
    #: Approve responses and exports.
    APPROVE = "approve"
    #: Change markings (sensitivity, releasability) and per-record grants.
    RELEASE = "release"
    EXPORT = "export"
    COMMENT = "comment"
    #: Read comments and the change history of records.
    VIEW_HISTORY = "view_history"
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"


ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.ANALYST: frozenset(
        {Action.SUBMIT_REPORT, Action.EDIT_RECORDS, Action.EXPORT, Action.COMMENT, Action.VIEW_HISTORY}
    ),
    Role.ASSESSOR: frozenset(
        {
            Action.SUBMIT_REPORT,
            Action.EDIT_RECORDS,
            Action.ASSESS,
            Action.EXPORT,
            Action.COMMENT,
            Action.VIEW_HISTORY,
        }
    ),
    Role.APPROVER: frozenset(
        {Action.APPROVE, Action.RELEASE, Action.EXPORT, Action.COMMENT, Action.VIEW_HISTORY}
    ),
    Role.INTAKE: frozenset({Action.SUBMIT_REPORT}),
    Role.PARTNER: frozenset(),
}


def permits(principal: Principal, action: Action) -> bool:
    return action in ROLE_ACTIONS[principal.role]


def require(principal: Principal, action: Action) -> None:
    """Raise ``PermissionDeniedError`` unless the principal's role allows ``action``."""
    if not permits(principal, action):
        raise PermissionDeniedError(f"{principal.role.value} users may not {action.value.replace('_', ' ')}")


def may_see_history(principal: Principal) -> bool:
    """Comments, change history and internal workflow: staff only, never partners or intake."""
    return permits(principal, Action.VIEW_HISTORY)
