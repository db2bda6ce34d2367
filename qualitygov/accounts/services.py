"""Writes to users, units, aliases and grants. Each runs in one transaction with its audit event."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts import events
from qualitygov.core.audit import audit_record, diff, snapshot
from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.scoping import forget_scopes, scope_for
from qualitygov.utilities import totp

from .auth import login_unlock
from .choices import Action, Role
from .models import Grant, OrgUnit, OrgUnitAlias, TotpDevice, User, path_segment
from .selectors import grant_reach_within, org_unit_names
from .tokens import api_tokens_revoke_all

UNIT_FIELDS = ["parent", "kind", "name", "short_name", "sort_order", "is_active"]
USER_FIELDS = ["username", "display_name", "email", "phone", "unit", "is_active"]
#: What user_update may change: the profile and the identity at the government identity provider.
USER_UPDATE_FIELDS = [*USER_FIELDS, "oidc_subject"]


def _set_path(unit: OrgUnit) -> None:
    parent = unit.parent
    unit.path = parent.child_path(unit.pk) if parent else f"/{path_segment(unit.pk)}/"
    unit.depth = parent.depth + 1 if parent else 0


def _check_name_free(name: str, *, exclude_unit: OrgUnit | None = None) -> None:
    clash = OrgUnit.objects.named(name)
    if exclude_unit is not None:
        clash = clash.exclude(pk=exclude_unit.pk)
    if clash.exists():
        raise ServiceError(_("The name “%(name)s” is already used by another unit.") % {"name": name},
                           code="duplicate", fields={"name": [_("Already used.")]})


@transaction.atomic
def org_unit_create(
    *, actor, name: str, kind: str, parent: OrgUnit | None = None, short_name: str = "", sort_order: int = 0,
    aliases: list[str] | None = None, is_active: bool = True,
) -> OrgUnit:
    """Create a unit under `parent` (None for a root). Names and aliases are unique across units."""
    name = name.strip()
    if not name:
        raise ServiceError(_("A unit needs a name."), fields={"name": [_("This field is required.")]})
    _check_name_free(name)
    unit = OrgUnit(parent=parent, kind=kind, name=name, short_name=short_name.strip(), sort_order=sort_order,
                   is_active=is_active)
    unit.save()
    _set_path(unit)
    unit.save(update_fields=["path", "depth"])
    for alias in aliases or []:
        _add_alias(unit, alias)
    audit_record(actor=actor, action=events.ORG_UNIT_CREATE, obj=unit, unit=unit,
                 changes={"new": snapshot(unit, UNIT_FIELDS), "aliases": sorted(aliases or [])})
    return unit


def _add_alias(unit: OrgUnit, alias: str) -> OrgUnitAlias | None:
    alias = alias.strip()
    if not alias or alias in {unit.name, unit.short_name}:
        return None
    owner = OrgUnit.objects.named(alias).exclude(pk=unit.pk).first()
    if owner is not None:
        raise ServiceError(_("The alias “%(alias)s” already belongs to %(unit)s.") % {"alias": alias, "unit": owner},
                           code="duplicate", fields={"aliases": [_("Already used.")]})
    return OrgUnitAlias.objects.get_or_create(unit=unit, name=alias)[0]


@transaction.atomic
def org_unit_update(*, actor, unit: OrgUnit, **values: Any) -> OrgUnit:
    """Change fields of a unit; moving it re-paths its whole subtree. `aliases` replaces the alias list."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot(unit, UNIT_FIELDS)
    before_aliases = sorted(unit.aliases.values_list("name", flat=True))
    aliases = values.pop("aliases", None)
    unknown = set(values) - set(UNIT_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    if "name" in values:
        values["name"] = values["name"].strip()
        if values["name"] != unit.name:
            _check_name_free(values["name"], exclude_unit=unit)
    new_parent = values.get("parent", unit.parent)
    if new_parent is not None and (new_parent.pk == unit.pk or new_parent.path.startswith(unit.path)):
        raise ServiceError(_("A unit cannot be placed under itself or its own subordinate unit."),
                           fields={"parent": [_("Invalid parent.")]})
    old_path = unit.path
    for key, value in values.items():
        setattr(unit, key, value)
    _set_path(unit)
    unit.save()
    if unit.path != old_path:
        for child in OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).order_by("depth"):
            child.path = unit.path + child.path[len(old_path):]
            child.depth = child.path.count("/") - 2
            child.save(update_fields=["path", "depth"])
    if aliases is not None:
        wanted = {a.strip() for a in aliases if a.strip()}
        unit.aliases.exclude(name__in=wanted).delete()
        for alias in sorted(wanted):
            _add_alias(unit, alias)
    after = snapshot(unit, UNIT_FIELDS)
    changes = diff(before, after)
    after_aliases = sorted(unit.aliases.values_list("name", flat=True))
    if after_aliases != before_aliases:
        changes["aliases"] = [before_aliases, after_aliases]
    audit_record(actor=actor, action=events.ORG_UNIT_UPDATE, obj=unit, unit=unit, changes=changes)
    return unit


def _org_unit_references() -> list[tuple[type[models.Model], models.ForeignKey]]:
    """Every foreign key in the project that points at OrgUnit, except the tree's own parent link."""
    refs = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                isinstance(field, models.ForeignKey)
                and field.related_model is OrgUnit
                and not (model is OrgUnit and field.name == "parent")
                and model is not OrgUnitAlias
            ):
                refs.append((model, field))
    return refs


#: Rows that only link a unit to something (a role, a task, an indicator, a work item). When the
#: target of a merge already has the same link, the source's copy says nothing more and is dropped.
#: Any other duplicate (two units' observations for one period, two report parts) is data: the
#: merge is refused rather than deleting it.
MERGE_DROPPABLE_DUPLICATES = frozenset({
    "accounts.grant", "plans.responsibility", "indicators.indicatorresponsibility", "progress.workitemunit",
})


def _has_dependants(obj: models.Model) -> bool:
    """True when any row points at `obj` (deleting it would take that row with it or be refused)."""
    return any(
        rel.related_model._default_manager.filter(**{rel.field.name: obj}).exists()
        for rel in obj._meta.related_objects if not rel.many_to_many
    )


def _duplicates_a_row(obj: models.Model, field_name: str) -> bool:
    """True when another row already holds `obj`'s values for a unique constraint that includes `field_name`.

    Checked here rather than left to the database: SQLite ignores `nulls_distinct=False`, so a
    duplicate with a NULL column would slip through there.
    """
    model = type(obj)
    for constraint in model._meta.constraints:
        if not isinstance(constraint, models.UniqueConstraint) or constraint.condition is not None:
            continue
        if field_name not in constraint.fields:
            continue
        lookup: dict[str, Any] = {}
        for name in constraint.fields:
            value = getattr(obj, model._meta.get_field(name).attname)
            if value is None:
                if constraint.nulls_distinct is not False:
                    break  # NULLs never collide under this constraint
                lookup[f"{name}__isnull"] = True
            else:
                lookup[name] = value
        else:
            if model._default_manager.filter(**lookup).exclude(pk=obj.pk).exists():
                return True
    return False


@transaction.atomic
def org_unit_merge(*, actor, source: OrgUnit, target: OrgUnit) -> OrgUnit:
    """Merge `source` into `target`: every reference moves, `source`'s names become aliases of `target`.

    Where moving a row would duplicate a unique row already at `target` (a user granted the same
    role at both units), a link row (MERGE_DROPPABLE_DUPLICATES) that nothing depends on is dropped
    because the target row already says the same; any other duplicate refuses the whole merge
    (ConflictError) and nothing changes.
    """
    if source.pk == target.pk:
        raise ServiceError(_("A unit cannot be merged into itself."))
    source = OrgUnit.objects.select_for_update().get(pk=source.pk)
    target = OrgUnit.objects.select_for_update().get(pk=target.pk)
    if target.path.startswith(source.path):
        raise ServiceError(_("A unit cannot be merged into its own subordinate unit."))
    moved: dict[str, int] = {}
    # Children of the source move under the target.
    for child in OrgUnit.objects.filter(parent=source):
        org_unit_update(actor=actor, unit=child, parent=target)
        moved["accounts.orgunit.parent"] = moved.get("accounts.orgunit.parent", 0) + 1
    for model, field in _org_unit_references():
        label = f"{model._meta.label_lower}.{field.name}"
        count = 0
        for obj in model._default_manager.filter(**{field.name: source}):
            setattr(obj, field.name, target)
            duplicate = _duplicates_a_row(obj, field.name)
            if not duplicate:
                try:
                    with transaction.atomic():
                        obj.save(update_fields=[field.name])
                except IntegrityError:
                    duplicate = True
            if duplicate:
                if model._meta.label_lower not in MERGE_DROPPABLE_DUPLICATES or _has_dependants(obj):
                    raise ConflictError(
                        _("“%(source)s” and “%(target)s” both have %(what)s for the same item; resolve the "
                          "duplicate first, then merge.")
                        % {"source": source.name, "target": target.name, "what": model._meta.verbose_name_plural},
                        code="merge_duplicate",
                    )
                obj.delete()
                moved[f"{label}.dropped_duplicate"] = moved.get(f"{label}.dropped_duplicate", 0) + 1
                continue
            count += 1
        if count:
            moved[label] = count
    names = org_unit_names(source)
    source_repr = str(source)
    source_pk = source.pk
    OrgUnitAlias.objects.filter(unit=source).delete()
    source.delete()
    for name in names:
        if name not in {target.name, target.short_name}:
            OrgUnitAlias.objects.get_or_create(unit=target, name=name)
    audit_record(actor=actor, action=events.ORG_UNIT_MERGE, obj=target, unit=target,
                 changes={"merged": {"id": source_pk, "name": source_repr}, "moved": moved, "aliases_added": names})
    return target


def _validate_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages), code="weak_password", fields={"password": exc.messages}) from exc


@transaction.atomic
def user_create(
    *, actor, username: str, password: str, display_name: str = "", email: str = "", phone: str = "",
    unit: OrgUnit | None = None, grants: list[tuple[str, OrgUnit, bool]] | None = None,
    password_hash: str | None = None,
) -> User:
    """Create a user with an initial password and optional grants `(role, unit, include_descendants)`.

    `password_hash` (from `make_password`, already validated) lets a bulk loader hash one password
    once for many users instead of paying the deliberately slow hash for each.
    """
    username = username.strip()
    if not username:
        raise ServiceError(_("A user needs a user name."), fields={"username": [_("This field is required.")]})
    if User.objects.filter(username__iexact=username).exists():
        raise ServiceError(_("The user name “%(name)s” is taken.") % {"name": username}, code="duplicate",
                           fields={"username": [_("Already used.")]})
    user = User(username=username, display_name=display_name, email=email, phone=phone, unit=unit)
    if password_hash is None:
        _validate_password(password, user)
        user.set_password(password)
    else:
        user.password = password_hash
    user.save()
    audit_record(actor=actor, action=events.USER_CREATE, obj=user, unit=unit, changes={"new": snapshot(user, USER_FIELDS)})
    for role, grant_unit, descendants in grants or []:
        grant_create(actor=actor, user=user, role=role, unit=grant_unit, include_descendants=descendants)
    return user


@transaction.atomic
def user_update(*, actor, user: User, **values: Any) -> User:
    """Change profile fields of a user (not the password), or the identity at the provider
    (`oidc_subject`, unique among users when set)."""
    unknown = set(values) - set(USER_UPDATE_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    user = User.objects.select_for_update().get(pk=user.pk)
    if "username" in values and User.objects.filter(username__iexact=values["username"]).exclude(pk=user.pk).exists():
        raise ServiceError(_("The user name “%(name)s” is taken.") % {"name": values["username"]}, code="duplicate",
                           fields={"username": [_("Already used.")]})
    if values.get("oidc_subject") and User.objects.filter(oidc_subject=values["oidc_subject"]).exclude(
        pk=user.pk
    ).exists():
        raise ServiceError(_("This identity at the provider belongs to another user."), code="duplicate",
                           fields={"oidc_subject": [_("Already used.")]})
    if values.get("is_active") is False and user.pk == getattr(actor, "pk", None):
        raise ConflictError(_("You cannot deactivate your own account."))
    before = snapshot(user, USER_UPDATE_FIELDS)
    for key, value in values.items():
        setattr(user, key, value)
    user.save()
    audit_record(actor=actor, action=events.USER_UPDATE, obj=user, unit=user.unit,
                 changes=diff(before, snapshot(user, USER_UPDATE_FIELDS)))
    if before["is_active"] and not user.is_active:
        api_tokens_revoke_all(actor=actor, user=user, reason="deactivated")
    return user


@transaction.atomic
def user_set_password(*, actor, user: User, password: str) -> User:
    """Set a new password (by the user or an office admin). The password itself is never recorded.

    Revokes every API token of the user and unlocks their sign-in (each audited when there was any).
    """
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action=events.USER_SET_PASSWORD, obj=user, unit=user.unit, changes={"password": "changed"})
    api_tokens_revoke_all(actor=actor, user=user, reason="password")
    login_unlock(actor=actor, user=user, reason="password")
    return user


@transaction.atomic
def grant_create(*, actor, user: User, role: str, unit: OrgUnit, include_descendants: bool = False) -> Grant:
    """Give `user` `role` at `unit`.

    A signed-in actor may give roles only within their own manage scope: the unit must be one they
    manage and, with `include_descendants`, so must every subordinate unit. The system (actor None:
    demo, `createadmin`, tests) is not limited.
    """
    if role not in Role.values:
        raise ServiceError(_("Unknown role."), fields={"role": [_("Unknown role.")]})
    if getattr(actor, "is_authenticated", False):
        scope = scope_for(actor, Action.MANAGE)
        if unit.pk not in scope:
            raise ServiceError(_("Choose a unit you manage."), code="out_of_scope",
                               fields={"unit": [_("Choose a unit you manage.")]})
        if not grant_reach_within(scope=scope, unit=unit, include_descendants=include_descendants):
            message = _("Some subordinate units of this unit are not yours to manage; give the role at this unit "
                        "alone.")
            raise ServiceError(message, code="out_of_scope", fields={"include_descendants": [message]})
    if Grant.objects.filter(user=user, role=role, unit=unit).exists():
        raise ServiceError(_("This user already has that role at that unit."), code="duplicate")
    grant = Grant.objects.create(user=user, role=role, unit=unit, include_descendants=include_descendants)
    forget_scopes(user)
    audit_record(actor=actor, action=events.GRANT_CREATE, obj=grant, unit=unit,
                 changes={"user": user.username, "role": role, "unit": unit.name,
                          "include_descendants": include_descendants})
    return grant


@transaction.atomic
def grant_delete(*, actor, grant: Grant) -> None:
    """Withdraw a grant. An office admin cannot withdraw their own last office-admin grant.

    A signed-in actor may withdraw only grants that lie within their manage scope (NotFoundError otherwise).
    """
    if getattr(actor, "is_authenticated", False) and not grant_reach_within(
        scope=scope_for(actor, Action.MANAGE), unit=grant.unit, include_descendants=grant.include_descendants
    ):
        raise NotFoundError("not found")
    if (
        grant.user_id == getattr(actor, "pk", None)
        and grant.role == Role.OFFICE_ADMIN
        and not Grant.objects.filter(user_id=grant.user_id, role=Role.OFFICE_ADMIN).exclude(pk=grant.pk).exists()
    ):
        raise ConflictError(_("You cannot withdraw your own last office-admin role."))
    changes = {"user": grant.user.username, "role": grant.role, "unit": grant.unit.name,
               "include_descendants": grant.include_descendants}
    audit_record(actor=actor, action=events.GRANT_DELETE, obj=grant, unit=grant.unit, changes=changes)
    grant.delete()
    forget_scopes(grant.user)


@transaction.atomic
def totp_enable(*, actor, user: User, secret: str, code: str) -> TotpDevice:
    """Turn on two-step sign-in with the authenticator app holding `secret`, proven by a current `code`."""
    step = totp.verify(secret, code)
    if step is None:
        raise ServiceError(_("The code is wrong. Check the time on your phone and enter the code it shows now."),
                           code="code_invalid", fields={"code": [_("Wrong code.")]})
    if TotpDevice.objects.filter(user=user).exists():
        raise ConflictError(_("Two-step sign-in is already on."))
    device = TotpDevice.objects.create(user=user, secret=secret, last_step=step, confirmed_at=timezone.now())
    audit_record(actor=actor, action=events.TOTP_ENABLE, obj=user, unit=user.unit, changes={})
    return device


@transaction.atomic
def totp_disable(*, actor, user: User, code: str | None = None) -> bool:
    """Turn off two-step sign-in: the user proves it with a current `code`; the office (a lost phone)
    passes none. False when it was not on."""
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        return False
    if code is not None and totp.verify(device.secret, code, last_step=device.last_step) is None:
        raise ServiceError(_("Wrong code."), code="code_invalid", fields={"code": [_("Wrong code.")]})
    device.delete()
    audit_record(actor=actor, action=events.TOTP_DISABLE, obj=user, unit=user.unit, changes={})
    return True
