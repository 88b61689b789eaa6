"""Ed25519 keys: organisations' statement-signing keys, the log's checkpoint key, witnesses' keys."""

from __future__ import annotations

import base64

from django.db import models
from django.utils.translation import gettext_lazy as _

from safecity.core.models import AuditedModel
from safecity.core.scoping import ScopeRule

# Organisation roles that manage their own organisation's signing keys.
KEY_ORGANISATION_ROLES = frozenset({"filling_station_operator", "inspection_station_operator", "department_officer"})


class SigningKey(AuditedModel):
    """An organisation's Ed25519 key for signing the statements it appends to the log.

    ``key_id`` is sha256(raw public key)[:16] in hex. A custodial key's private half is stored
    encrypted (AES-GCM under a key derived from SECRET_KEY); an external key has none: its
    organisation signs elsewhere and only the public key is registered. Rotation sets
    ``retired_at``: the key stays valid for statements signed (or appended) before that moment,
    so old entries keep verifying. Public keys are public (anyone may verify the log).
    """

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="ledger_keys"
    )
    key_id = models.CharField(_("key id"), max_length=32, unique=True)
    public_key = models.BinaryField(_("public key"))
    private_key = models.BinaryField(_("private key (encrypted)"), null=True, blank=True, editable=False)
    active_from = models.DateTimeField(_("active from"))
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    scope_rule = ScopeRule(
        public=True,
        organisation="organisation_id",
        change_roles=frozenset(),
        organisation_change_roles=KEY_ORGANISATION_ROLES,
    )

    class Meta:
        ordering = ["organisation_id", "-active_from"]
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], condition=models.Q(retired_at__isnull=True), name="ledger_one_active_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key_id} ({self.organisation_id})"

    @property
    def custodial(self) -> bool:
        return self.private_key is not None

    @property
    def public_key_b64(self) -> str:
        return base64.b64encode(bytes(self.public_key)).decode()


class LogKey(AuditedModel):
    """The log's own Ed25519 key: it signs the checkpoints. The note key name is the origin."""

    origin = models.CharField(_("origin"), max_length=200, unique=True)
    public_key = models.BinaryField(_("public key"))
    private_key = models.BinaryField(_("private key (encrypted)"), editable=False)

    scope_rule = ScopeRule(public=True, change_roles=frozenset())

    class Meta:
        verbose_name = _("log key")
        verbose_name_plural = _("log keys")

    def __str__(self) -> str:
        return self.origin

    @property
    def vkey(self) -> str:
        from safecity.ledger.notes import vkey

        return vkey(self.origin, bytes(self.public_key))


class WitnessKey(AuditedModel):
    """A witness (another organisation, e.g. the market supervision bureau) allowed to cosign
    checkpoints: its cosignature/v1 key name and Ed25519 public key. Only its public key is here."""

    name = models.CharField(_("witness name"), max_length=200, unique=True)
    public_key = models.BinaryField(_("public key"))
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_witness_keys",
    )
    is_active = models.BooleanField(_("active"), default=True)

    scope_rule = ScopeRule(public=True, change_roles=frozenset({"city_admin"}))

    class Meta:
        ordering = ["name"]
        verbose_name = _("witness key")
        verbose_name_plural = _("witness keys")

    def __str__(self) -> str:
        return self.name

    @property
    def vkey(self) -> str:
        from safecity.ledger.notes import ALG_COSIGNATURE_V1, vkey

        return vkey(self.name, bytes(self.public_key), ALG_COSIGNATURE_V1)
