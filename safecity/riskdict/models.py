"""The risk-control dictionary (风险管控辞典): a versioned catalogue of risks and their standard controls.

The chain follows the Jiangsu industrial-enterprise risk catalogue (省政府令第140号) and the national
dual-prevention guideline (《危险化学品企业双重预防机制数字化建设工作指南(试行)》, 2022):

    DictionaryVersion ("2023.1")
      -> ManagementCategory  (管理类别, 2-digit code such as "15")
        -> RiskEntry          (4-digit risk code "1501"; xx99 = other risk the enterprise identifies)
          -> StandardMeasure  (管控措施: class + sub-class, content, basis)
            -> CheckItem      (排查内容 with a default cycle and its unit)

An enterprise's risk registry (hazards app) records the version it uses; a published version is
frozen (services refuse to change it), so a new version never silently changes an existing
assessment: the hazards app shows the enterprise :func:`safecity.riskdict.services.dictionary_diff`
and lets it upgrade.

Every model is reference data: every signed-in user reads it; city administrators and officials
write it (through :mod:`safecity.riskdict.services`).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Substr
from django.db.models.lookups import Exact, In
from django.utils.translation import gettext_lazy as _

from safecity.core.models import AuditedModel
from safecity.core.scoping import ScopeRule
from safecity.riskdict.choices import (
    MEASURE_SUBCLASSES,
    CycleUnit,
    DictionaryStatus,
    MeasureClass,
    MeasureSubclass,
    validate_measure_subclass,
)

# Reference data: every signed-in user reads it; the city's administrators and officials change it.
REFERENCE_DATA = ScopeRule(authenticated=True, change_roles=frozenset({"city_admin", "city_official"}))

# The longest check cycle accepted, in any unit (a check every 1000 years is a typing error).
MAX_CYCLE = 1000

_DIGITS = list("0123456789")
# A version starts with a digit ("2023.1", "2024.1-rc"), so it never reads like a page name in a URL.
VERSION_RE = re.compile(r"^[0-9][0-9A-Za-z._-]{0,19}$")


def _digits_only(field: str, length: int) -> Q:
    """A database condition: ``field`` is exactly ``length`` ASCII digits (portable, no regex)."""
    condition = Q(Exact(Length(field), length))
    for position in range(1, length + 1):
        condition &= Q(In(Substr(field, position, 1), _DIGITS))
    return condition


def validate_version(value: str) -> None:
    if not VERSION_RE.match(value or ""):
        raise ValidationError(
            _("A version is written like 2023.1: a digit first, then letters, digits, dots or hyphens, at most 20 characters."),
            code="version_format",
        )


def validate_category_code(value: str) -> None:
    """A management category code has two digits, as in the provincial catalogue ("15")."""
    if not re.fullmatch(r"[0-9]{2}", value or ""):
        raise ValidationError(_("A management category code has 2 digits, such as 15."), code="category_code_format")


def validate_risk_code(value: str) -> None:
    """A risk code has four digits: the category code, then 01-99 (xx99: other risk the enterprise identifies)."""
    if not re.fullmatch(r"[0-9]{4}", value or ""):
        raise ValidationError(_("A risk code has 4 digits, such as 1501."), code="risk_code_format")
    if value[2:] == "00":
        raise ValidationError(
            _("The last two digits of a risk code number the risk within its category, from 01 to 99."),
            code="risk_code_number",
        )


class DictionaryVersion(AuditedModel):
    """One edition of the city's risk-control dictionary, such as "2023.1".

    Invariants: the version string is unique; a draft is filled by an import and frozen when
    published (``published_at`` is then set: database check); nothing in a published version
    changes afterwards, so an enterprise's assessment made against it stays reproducible.
    Written only by :mod:`safecity.riskdict.services` (city administrators and officials).
    """

    version = models.CharField(_("version"), max_length=20, unique=True, validators=[validate_version])
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=DictionaryStatus.choices, default=DictionaryStatus.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)

    scope_rule = REFERENCE_DATA

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dictionary version")
        verbose_name_plural = _("dictionary versions")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DictionaryStatus.values),
                name="riskdict_version_status_valid",
                violation_error_message=_("Unknown dictionary status."),
            ),
            models.CheckConstraint(
                condition=Q(status=DictionaryStatus.DRAFT) | Q(published_at__isnull=False),
                name="riskdict_version_published_at",
                violation_error_message=_("A published version records when it was published."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.title}"

    @property
    def is_published(self) -> bool:
        return self.status == DictionaryStatus.PUBLISHED


class ManagementCategory(AuditedModel):
    """A management category (管理类别) of one version, such as "15 民用爆炸物品".

    The 2-digit code is unique within its version (database constraint) and is the first two
    digits of every risk code under it.
    """

    version = models.ForeignKey(
        DictionaryVersion, verbose_name=_("dictionary version"), on_delete=models.CASCADE, related_name="categories"
    )
    code = models.CharField(_("category code"), max_length=2, validators=[validate_category_code])
    name = models.CharField(_("name"), max_length=100)

    scope_rule = REFERENCE_DATA

    class Meta:
        ordering = ["version", "code"]
        verbose_name = _("management category")
        verbose_name_plural = _("management categories")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"],
                name="riskdict_category_code_unique",
                violation_error_message=_("This version already has a management category with this code."),
            ),
            models.CheckConstraint(
                condition=_digits_only("code", 2),
                name="riskdict_category_code_format",
                violation_error_message=_("A management category code has 2 digits, such as 15."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RiskEntry(AuditedModel):
    """A risk of the catalogue (风险): 4-digit code, name, main accident types and risk points.

    Invariants: the code is unique within its version (database constraint), has 4 digits
    (database check) and starts with its category's code (``clean``); the category belongs to the
    same version. A code ending in 99 is the "other risk the enterprise identifies" of its category
    (省政府令第140号 catalogue convention).
    """

    version = models.ForeignKey(
        DictionaryVersion, verbose_name=_("dictionary version"), on_delete=models.CASCADE, related_name="entries"
    )
    category = models.ForeignKey(
        ManagementCategory, verbose_name=_("management category"), on_delete=models.CASCADE, related_name="entries"
    )
    code = models.CharField(_("risk code"), max_length=4, validators=[validate_risk_code])
    name = models.CharField(_("risk name"), max_length=200)
    accident_types = models.CharField(_("main accident types"), max_length=200, blank=True)
    risk_points = models.CharField(_("risk points"), max_length=500, blank=True)

    scope_rule = REFERENCE_DATA

    class Meta:
        ordering = ["version", "code"]
        verbose_name = _("risk entry")
        verbose_name_plural = _("risk entries")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"],
                name="riskdict_entry_code_unique",
                violation_error_message=_("This version already has a risk with this code."),
            ),
            models.CheckConstraint(
                condition=_digits_only("code", 4) & ~Q(Exact(Substr("code", 3, 2), "00")),
                name="riskdict_entry_code_format",
                violation_error_message=_("A risk code has 4 digits, such as 1501."),
            ),
        ]
        indexes = [models.Index(fields=["version", "category"], name="riskdict_entry_category")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_enterprise_defined(self) -> bool:
        """xx99: the "other risk" slot of a category, filled in by the enterprise itself."""
        return self.code.endswith("99")

    def clean(self) -> None:
        # An import validates entries whose category is assigned but not saved yet.
        category = self._state.fields_cache.get("category") or (self.category if self.category_id else None)
        if category is None:
            return
        if self.version_id and category.version_id and category.version_id != self.version_id:
            raise ValidationError({"category": _("The category belongs to another dictionary version.")})
        if self.code and category.code and self.code[:2] != category.code:
            raise ValidationError(
                {
                    "code": ValidationError(
                        _("Risk code %(code)s must start with its management category code %(category)s.")
                        % {"code": self.code, "category": category.code},
                        code="risk_code_category",
                    )
                }
            )

    def natural_key(self) -> tuple[str, str]:
        return (self.version.version, self.code)


def _subclass_condition() -> Q:
    """Database check: the sub-class is one of its class's sub-classes."""
    condition = Q(pk__in=[])
    for measure_class, subclasses in MEASURE_SUBCLASSES.items():
        condition |= Q(measure_class=measure_class, subclass__in=list(subclasses))
    return condition


class StandardMeasure(AuditedModel):
    """A standard control measure (管控措施) of a risk, with the regulation or standard clause behind it.

    Invariants: the sub-class belongs to the class (database check, and ``clean`` with a message
    naming the allowed ones). Within an entry a measure is identified by (class, sub-class,
    content): that is how :func:`dictionary_diff` matches measures across versions.
    """

    entry = models.ForeignKey(RiskEntry, verbose_name=_("risk entry"), on_delete=models.CASCADE, related_name="measures")
    measure_class = models.CharField(_("measure class"), max_length=16, choices=MeasureClass.choices)
    subclass = models.CharField(_("measure sub-class"), max_length=32, choices=MeasureSubclass.choices)
    content = models.CharField(_("control measure"), max_length=1000)
    basis = models.CharField(_("basis"), max_length=500, blank=True, help_text=_("The regulation or standard clause."))
    order = models.PositiveIntegerField(_("order"), default=0)

    scope_rule = REFERENCE_DATA

    class Meta:
        ordering = ["entry", "order", "id"]
        verbose_name = _("standard measure")
        verbose_name_plural = _("standard measures")
        constraints = [
            models.CheckConstraint(
                condition=_subclass_condition(),
                name="riskdict_measure_subclass_in_class",
                violation_error_message=_("The measure sub-class does not belong to the measure class."),
            ),
        ]

    def __str__(self) -> str:
        return self.content[:80]

    def clean(self) -> None:
        if self.measure_class and self.subclass:
            validate_measure_subclass(self.measure_class, self.subclass)

    def natural_key(self) -> tuple[str, str, str]:
        return (self.measure_class, self.subclass, self.content)


class CheckItem(AuditedModel):
    """A check item (排查内容) of a measure: what to check, how often by default, and why.

    The default cycle is a positive whole number of hours, days, weeks, months or years (database
    checks); an enterprise's check task (hazards app) starts from it and may only shorten it.
    """

    measure = models.ForeignKey(
        StandardMeasure, verbose_name=_("standard measure"), on_delete=models.CASCADE, related_name="check_items"
    )
    content = models.CharField(_("check content"), max_length=1000)
    cycle = models.PositiveIntegerField(
        _("check cycle"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CYCLE)],
        help_text=_("A whole number, 1 or more."),
    )
    cycle_unit = models.CharField(_("cycle unit"), max_length=8, choices=CycleUnit.choices)
    basis = models.CharField(_("basis"), max_length=500, blank=True, help_text=_("The regulation or standard clause."))
    order = models.PositiveIntegerField(_("order"), default=0)

    scope_rule = REFERENCE_DATA

    class Meta:
        ordering = ["measure", "order", "id"]
        verbose_name = _("check item")
        verbose_name_plural = _("check items")
        constraints = [
            models.CheckConstraint(
                condition=Q(cycle__gte=1, cycle__lte=MAX_CYCLE),
                name="riskdict_check_cycle_positive",
                violation_error_message=_("The check cycle is a whole number from 1 to 1000."),
            ),
            models.CheckConstraint(
                condition=Q(cycle_unit__in=CycleUnit.values),
                name="riskdict_check_cycle_unit_valid",
                violation_error_message=_("Unknown cycle unit."),
            ),
        ]

    def __str__(self) -> str:
        return self.content[:80]

    @property
    def cycle_display(self) -> str:
        """The cycle as the UI shows it ("every 1 day"), in the reader's language."""
        return _("every %(n)d %(unit)s") % {"n": self.cycle, "unit": self.get_cycle_unit_display()}

    def natural_key(self) -> str:
        return self.content
