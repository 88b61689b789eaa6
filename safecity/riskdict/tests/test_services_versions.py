"""dictionary_publish, dictionary_delete, dictionary_update and the starter dictionary."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safecity.riskdict.choices import MEASURE_SUBCLASSES, MeasureClass
from safecity.riskdict.data.starter import DOMAINS, STARTER_VERSION
from safecity.riskdict.models import CheckItem, DictionaryVersion, RiskEntry, StandardMeasure
from safecity.riskdict.services import (
    dictionary_delete,
    dictionary_import_excel,
    dictionary_load_starter,
    dictionary_publish,
    dictionary_update,
)
from safecity.riskdict.tests.factories import DictionaryVersionFactory, row, xlsx

NOT_EDITORS = ["district_a", "district_b", "enterprise_user", "expert", "outsider"]


def draft(actor: Any, version: str = "2024.1") -> DictionaryVersion:
    return dictionary_import_excel(actor=actor, file=io.BytesIO(xlsx([row()])), version=version, title="草稿")


@pytest.mark.parametrize("persona", ["city_admin", "city_official"])
def test_publish_freezes_the_draft_and_records_who_and_when(city: Any, personas: Any, persona: str) -> None:
    actor = getattr(personas, persona)
    version = draft(actor)
    published = dictionary_publish(actor=actor, version=version)
    version.refresh_from_db()
    assert version.status == "published" and version.is_published
    assert version.published_at is not None and version.published_by == actor
    assert published.pk == version.pk
    with pytest.raises(ValidationError) as caught:
        dictionary_publish(actor=actor, version=version)
    assert "already published" in str(caught.value)


@pytest.mark.parametrize("persona", NOT_EDITORS)
def test_others_may_not_publish(city: Any, personas: Any, persona: str) -> None:
    version = draft(personas.city_admin)
    with pytest.raises(PermissionDenied):
        dictionary_publish(actor=getattr(personas, persona), version=version)
    version.refresh_from_db()
    assert version.status == "draft" and version.published_at is None


def test_an_empty_draft_cannot_be_published(city: Any, personas: Any) -> None:
    empty = DictionaryVersionFactory()
    with pytest.raises(ValidationError) as caught:
        dictionary_publish(actor=personas.city_admin, version=empty)
    assert "empty" in str(caught.value)
    empty.refresh_from_db()
    assert empty.status == "draft"


def test_a_draft_may_be_deleted_but_a_published_version_may_not(city: Any, personas: Any) -> None:
    version = draft(personas.city_admin)
    with pytest.raises(PermissionDenied):
        dictionary_delete(actor=personas.district_a, version=version)
    dictionary_delete(actor=personas.city_official, version=version)
    assert not DictionaryVersion.objects.filter(pk=version.pk).exists()
    assert not RiskEntry.objects.exists() and not CheckItem.objects.exists()
    published = dictionary_publish(actor=personas.city_admin, version=draft(personas.city_admin, "2024.2"))
    with pytest.raises(ValidationError):
        dictionary_delete(actor=personas.city_admin, version=published)
    assert DictionaryVersion.objects.filter(pk=published.pk).exists()


def test_update_changes_the_description_only(city: Any, personas: Any) -> None:
    version = dictionary_publish(actor=personas.city_admin, version=draft(personas.city_admin))
    dictionary_update(actor=personas.city_official, version=version, title="新标题", note="说明")
    version.refresh_from_db()
    assert (version.title, version.note, version.status) == ("新标题", "说明", "published")
    with pytest.raises(PermissionDenied):
        dictionary_update(actor=personas.enterprise_user, version=version, title="企业改名")
    with pytest.raises(ValidationError):
        dictionary_update(actor=personas.city_admin, version=version, note="含\x00字符")


def test_the_starter_loads_published_and_covers_the_eleven_domains(city: Any, personas: Any) -> None:
    version = dictionary_load_starter(actor=personas.city_admin)
    assert version.version == STARTER_VERSION and version.status == "published" and version.published_at
    entries = {e.code: e for e in RiskEntry.objects.filter(version=version).select_related("category")}
    assert len(DOMAINS) == 11
    for domain, (name, codes) in DOMAINS.items():
        assert 1 <= len(codes) <= 3, domain
        for code in codes:
            entry = entries[code]
            assert entry.code[:2] == entry.category.code
            measures = list(entry.measures.prefetch_related("check_items"))
            assert 3 <= len(measures) <= 6, (domain, name, code)
            assert len({m.measure_class for m in measures}) >= 2, (domain, code)
            for measure in measures:
                assert measure.subclass in MEASURE_SUBCLASSES[measure.measure_class]
                assert measure.basis, (code, measure.content)
                assert 1 <= len(measure.check_items.all()) <= 3, (code, measure.content)
    assert set(entries) == {code for _name, codes in DOMAINS.values() for code in codes}
    used = set(StandardMeasure.objects.filter(entry__version=version).values_list("measure_class", flat=True))
    assert used == set(MeasureClass.values)


@pytest.mark.parametrize(
    ("code", "cited"),
    [
        ("0401", "GB 30871-2022"),
        ("0402", "GB 30871-2022"),
        ("0501", "GB 15577-2018"),
        ("0101", "AQ 3036"),
        ("0102", "GB 18218-2018"),
        ("0101", "《危险化学品企业安全风险隐患排查治理导则》"),
        ("1001", "应急管理部令第10号"),
        ("1001", "安全生产法》第四十九条"),
        ("0801", "TSG 81-2022"),
        ("0701", "GB 50028"),
        ("0701", "城镇燃气管理条例"),
        ("0601", "涉氨制冷企业液氨使用专项治理技术指导书"),
        ("0901", "锂离子动力电池工厂安全风险管控指南"),
    ],
)
def test_the_starter_cites_the_regulations(city: Any, personas: Any, code: str, cited: str) -> None:
    version = dictionary_load_starter(actor=personas.city_admin)
    measures = StandardMeasure.objects.filter(entry__version=version, entry__code=code)
    bases = " ".join(measures.values_list("basis", flat=True)) + " ".join(
        CheckItem.objects.filter(measure__in=measures).values_list("basis", flat=True)
    )
    assert cited in bases


def test_the_starter_is_loaded_once_per_version_string(city: Any, personas: Any) -> None:
    dictionary_load_starter(actor=personas.city_admin)
    with pytest.raises(ValidationError):
        dictionary_load_starter(actor=personas.city_admin)
    draft_copy = dictionary_load_starter(actor=personas.city_official, version="2023.1-copy", publish=False)
    assert draft_copy.status == "draft"
    with pytest.raises(PermissionDenied):
        dictionary_load_starter(actor=personas.district_a, version="2023.9")
