"""Database constraints and model validation: what no write path can get past."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from safecity.riskdict.choices import (
    MEASURE_SUBCLASSES,
    SUBCLASS_CLASS,
    MeasureSubclass,
    cycle_unit_from_cell,
    measure_subclass_from_cell,
    validate_measure_subclass,
)
from safecity.riskdict.models import CheckItem, RiskEntry, StandardMeasure
from safecity.riskdict.tests.factories import (
    CheckItemFactory,
    ManagementCategoryFactory,
    RiskEntryFactory,
    StandardMeasureFactory,
)


def refused(fn: Any) -> None:
    """The database itself refuses the write (a check or unique constraint; a length on PostgreSQL)."""
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        fn()


def test_every_subclass_belongs_to_exactly_one_class() -> None:
    assert set(SUBCLASS_CLASS) == set(MeasureSubclass.values)
    assert sum(len(s) for s in MEASURE_SUBCLASSES.values()) == len(MeasureSubclass.values)
    assert measure_subclass_from_cell("maintenance", "其他") == "maintenance_other"
    assert measure_subclass_from_cell("emergency", "其他") == "emergency_other"
    assert cycle_unit_from_cell("月") == "month" and cycle_unit_from_cell("季度") is None
    with pytest.raises(ValidationError):
        validate_measure_subclass("engineering", "rotating_equipment")


@pytest.mark.django_db
def test_cycle_must_be_positive_in_the_database() -> None:
    item = CheckItemFactory()
    refused(lambda: CheckItem.objects.filter(pk=item.pk).update(cycle=0))
    refused(lambda: CheckItem.objects.filter(pk=item.pk).update(cycle_unit="decade"))
    with pytest.raises(ValidationError):
        CheckItem(measure=item.measure, content="x", cycle=0, cycle_unit="day").full_clean()


@pytest.mark.django_db
def test_subclass_must_belong_to_its_class_in_the_database() -> None:
    measure = StandardMeasureFactory()
    refused(lambda: StandardMeasure.objects.filter(pk=measure.pk).update(subclass="rotating_equipment"))
    bad = StandardMeasure(entry=measure.entry, measure_class="engineering", subclass="shift_handover", content="x")
    with pytest.raises(ValidationError) as caught:
        bad.full_clean()
    assert "subclass" in caught.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["15A1", "151", "15011", "1500"])
def test_risk_code_format_in_the_database(code: str) -> None:
    entry = RiskEntryFactory(code="1501")
    refused(lambda: RiskEntry.objects.filter(pk=entry.pk).update(code=code))


@pytest.mark.django_db
def test_risk_code_is_unique_per_version_and_starts_with_its_category() -> None:
    category = ManagementCategoryFactory(code="15")
    RiskEntryFactory(category=category, code="1501")
    refused(lambda: RiskEntry.objects.create(version=category.version, category=category, code="1501", name="重复"))
    other = RiskEntry(version=category.version, category=category, code="1601", name="前缀不符")
    with pytest.raises(ValidationError) as caught:
        other.full_clean()
    assert "code" in caught.value.message_dict
    # The same code in another version is another entry.
    RiskEntryFactory(code="1501")
    assert RiskEntry.objects.filter(code="1501").count() == 2


@pytest.mark.django_db
def test_category_code_has_two_digits_in_the_database() -> None:
    category = ManagementCategoryFactory(code="15")
    refused(lambda: type(category).objects.filter(pk=category.pk).update(code="1a"))


@pytest.mark.django_db
def test_enterprise_defined_slot_is_xx99() -> None:
    assert RiskEntryFactory(code="1599").is_enterprise_defined
    assert not RiskEntryFactory(code="1598").is_enterprise_defined
