"""The one place that says who sees and does what. Every selector goes through here."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Org, Role

# Data scope per role (数据权限). Admin manages orgs and users, not business content.
SCOPE_ALL, SCOPE_SUBTREE, SCOPE_OWN, SCOPE_NONE = "all", "subtree", "own", "none"
ROLE_SCOPE = {
    Role.OFFICE: SCOPE_SUBTREE,
    Role.LEADER: SCOPE_SUBTREE,
    Role.REVIEWER: SCOPE_SUBTREE,
    Role.DEPARTMENT: SCOPE_OWN,
    Role.EXPERT: SCOPE_NONE,  # sees only the applications on whose panel it sits
    Role.ADMIN: SCOPE_NONE,  # 三权分立: the administrators see no business content
    Role.SECURITY: SCOPE_NONE,
    Role.AUDITOR: SCOPE_NONE,
}
_RANK = {SCOPE_NONE: 0, SCOPE_OWN: 1, SCOPE_SUBTREE: 2, SCOPE_ALL: 3}


def scope_of(user) -> str:
    """The widest data scope over all of the user's roles (roles combine by union)."""
    if not user or not user.is_authenticated or not user.is_active or user.org_id is None:
        return SCOPE_NONE
    return max(
        (ROLE_SCOPE.get(r, SCOPE_NONE) for r in user.roles),
        key=_RANK.__getitem__,
        default=SCOPE_NONE,
    )


def org_scope_q(user, field: str = "") -> Q:
    """A Q over an Org foreign key `field` (or Org itself when empty) for user's data scope."""
    prefix = f"{field}__" if field else ""
    scope = scope_of(user)
    if scope == SCOPE_ALL:
        return Q()
    if scope == SCOPE_SUBTREE:
        return Q(**{f"{prefix}path__startswith": user.org.path})
    if scope == SCOPE_OWN:
        return Q(**{field or "pk": user.org_id})
    return Q(pk__in=[])


def visible_orgs(user) -> QuerySet[Org]:
    return Org.objects.filter(org_scope_q(user))


def in_scope(user, org: Org) -> bool:
    scope = scope_of(user)
    if scope == SCOPE_NONE:
        return False
    if scope == SCOPE_SUBTREE:
        return org.path.startswith(user.org.path)
    return org.pk == user.org_id


def can_edit_assessment(user, assessment) -> bool:
    """The creation office of the zone (or above it) fills in the self-assessment; a
    department fills in its own annual assessment (部门年度考核) too."""
    if user.has_role(Role.DEPARTMENT) and assessment.zone.kind == Org.Kind.DEPARTMENT:
        return user.org_id == assessment.zone_id
    return user.has_role(Role.OFFICE) and in_scope(user, assessment.zone)


def can_review_assessment(user, assessment) -> bool:
    """City bureau / province department above the zone return or accept it; a
    department's annual assessment is reviewed by the zone's office."""
    role = Role.OFFICE if assessment.zone.kind == Org.Kind.DEPARTMENT else Role.REVIEWER
    return (
        user.has_role(role)
        and in_scope(user, assessment.zone)
        and user.org_id != assessment.zone_id
    )


def can_override(user, assessment) -> bool:
    """The office adjusts a score (with a reason) of an org it assesses — a department,
    not its own zone's self-assessment — until the assessment is accepted."""
    return (
        assessment.status != "accepted"
        and user.has_role(Role.OFFICE)
        and user.org_id != assessment.zone_id
        and in_scope(user, assessment.zone)
    )


def zone_data_q(user, zone_field: str, own_fields: tuple[str, ...]) -> Q:
    """Scope over data that belongs to a zone and is owned by departments in it.

    Office, leader and reviewer see the zone's data (org and below); a department user
    sees the rows whose `own_fields` (e.g. lead org, support orgs) name its org.
    """
    scope = scope_of(user)
    if scope == SCOPE_SUBTREE:
        return Q(**{f"{zone_field}__path__startswith": user.org.path})
    if scope == SCOPE_OWN:
        q = Q(pk__in=[])
        for f in own_fields:
            q |= Q(**{f: user.org_id})
        return q
    return Q(pk__in=[])
