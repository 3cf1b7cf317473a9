"""三权分立: which administrator may act on which account (pure rules, no Django).

The system administrator (admin) creates accounts, without roles, and resets or
deactivates business accounts. The security administrator (security) grants
business roles, lifts locks, and manages the administrative accounts (reset,
deactivate). Nobody acts on their own account. Administrative roles are never granted
or withdrawn on the web: only at the server (`fazhi user roles`), where an operator
outside the three web duties acts, audited as "cli" — so no single web administrator
can make themselves or a confederate a second administrator.
"""

from __future__ import annotations

from collections.abc import Iterable

ADMIN, SECURITY, AUDITOR = "admin", "security", "auditor"
ADMIN_ROLES = frozenset({ADMIN, SECURITY, AUDITOR})
LABELS = {ADMIN: "系统管理员", SECURITY: "安全管理员", AUDITOR: "审计管理员"}

ACTIONS = ("create", "reset", "active", "roles", "unlock")


def duty_for(action: str, target_roles: Iterable[str]) -> str:
    """The administrative role whose duty the action is, on an account with target_roles."""
    if action == "create":
        return ADMIN
    if action in ("roles", "unlock"):
        return SECURITY
    # reset, active: administrative accounts are the security administrator's
    return SECURITY if set(target_roles) & ADMIN_ROLES else ADMIN


def refusal(
    action: str,
    actor_roles: Iterable[str],
    *,
    own_account: bool = False,
    target_roles: Iterable[str] = (),
    new_roles: Iterable[str] = (),
) -> str | None:
    """Why a web administrator may not do this, or None when they may."""
    duty = duty_for(action, target_roles)
    if duty not in set(actor_roles):
        return f"该操作属于{LABELS[duty]}的职责"
    if own_account and action != "create":
        return "不能对自己的账号执行管理操作（三权分立）"
    if action == "roles" and (set(target_roles) | set(new_roles)) & ADMIN_ROLES:
        return "管理员角色不能在网页上授予或撤销，须由运维人员在服务器上执行 fazhi user roles（记入审计日志）"
    return None
