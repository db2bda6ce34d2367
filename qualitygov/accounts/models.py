"""Users, the organisation tree, aliases of units, and grants of roles at units."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qualitygov.core.scoping import ScopedQuerySet

from .choices import OrgUnitKind, Role


def path_segment(pk: int) -> str:
    return f"{pk:08d}"


class OrgUnitQuerySet(ScopedQuerySet):
    scope_lookup = "pk"

    def active(self) -> OrgUnitQuerySet:
        return self.filter(is_active=True)

    def named(self, name: str) -> OrgUnitQuerySet:
        """Units whose full name, short name or any alias is exactly `name`."""
        name = name.strip()
        return self.filter(Q(name=name) | Q(short_name=name) | Q(aliases__name=name)).distinct()


class OrgUnit(models.Model):
    """A body in the district's organisation.

    `path` is the materialised path of zero-padded ids, "/00000001/00000004/": fixed-width segments
    sort in tree order under any collation (PostgreSQL's locale collations skip the slashes).
    """

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=OrgUnitKind.choices)
    name = models.CharField(_("full name"), max_length=120, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    sort_order = models.IntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("organisational unit")
        verbose_name_plural = _("organisational units")

    def __str__(self) -> str:
        return self.name

    def child_path(self, child_pk: int) -> str:
        """The path of a unit with primary key `child_pk` placed under this one."""
        return f"{self.path}{path_segment(child_pk)}/"

    @property
    def label(self) -> str:
        return self.short_name or self.name


class OrgUnitAlias(models.Model):
    """Another name of a unit (an abbreviation, a former or merged name). Unique across all units."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("unit"))
    name = models.CharField(_("alias"), max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit alias")
        verbose_name_plural = _("unit aliases")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. `unit` is where they work; what they may do comes from grants."""

    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="members", verbose_name=_("unit")
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # The `sub` the government identity provider gives this person (accounts/oidc.py): when set, that
    # identity signs in as this user whatever its other claims say, and no other identity does.
    oidc_subject = models.CharField(_("identity at the provider"), max_length=255, blank=True, default="")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(fields=["oidc_subject"], condition=~Q(oidc_subject=""),
                                               name="user_oidc_subject_unique")]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def bar_label(self) -> str:
        """Who is signed in, for the top bar: the name, and the unit when the name does not say it
        already ("沈家门街道 联络员 刘" rather than "沈家门街道 联络员 刘 · 沈家门街道")."""
        name = str(self)
        unit = self.unit.label if self.unit_id else ""
        return f"{name} · {unit}" if unit and unit not in name else name


class Grant(models.Model):
    """`user` holds `role` at `unit` (and at its descendants when `include_descendants`)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="grants", verbose_name=_("unit"))
    include_descendants = models.BooleanField(_("include subordinate units"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user_id", "role", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["user", "role", "unit"], name="grant_unique_user_role_unit")]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"


class LoginFailure(models.Model):
    """One failed sign-in for an account (its user name in lower case) from one address.

    `kind` tells a wrong password (or unknown user name) from a wrong second-factor code.
    """

    PASSWORD = "password"
    CODE = "code"

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=10, default=PASSWORD)

    def __str__(self) -> str:
        return f"{self.username} @ {self.at:%Y-%m-%d %H:%M}"


class TotpDevice(models.Model):
    """A user's authenticator app (TOTP, RFC 6238): the shared secret and the last time step used."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device", verbose_name=_("user"))
    secret = models.CharField(max_length=64)
    last_step = models.BigIntegerField(null=True, blank=True)
    confirmed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"TOTP · {self.user}"


class ApiTokenScope(models.TextChoices):
    READ = "read", _("read only")
    WRITE = "write", _("read and write")


class ApiToken(models.Model):
    """An API key of a user. Only the SHA-256 hash of the key is stored; `prefix` identifies it to people."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(_("prefix"), max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(_("scope"), max_length=10, choices=ApiTokenScope.choices, default=ApiTokenScope.READ)
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def allows_write(self) -> bool:
        """False for a read-only token: the API refuses its writing methods."""
        return self.scope == ApiTokenScope.WRITE
