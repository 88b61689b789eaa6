"""Every allowed and forbidden action of the innovation services; a refusal changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safecity.core.models import AuditEntry
from safecity.innovation import selectors, services
from safecity.innovation.models import (
    Criterion,
    InnovationEntry,
    JudgeAssignment,
    Score,
    SelectedEntry,
    Selection,
    SelectionRound,
)
from safecity.innovation.tests.conftest import SHEETS, score_all

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%test\n"


def _scores(contest, judge="expert", key="em", value="8"):
    return [services.ScoreInput(contest.entries[key].pk, c.pk, value) for c in contest.round.criteria.all()]


# --- rounds and criteria -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["district_a", "enterprise_user", "expert", "outsider"])
def test_only_the_committee_opens_a_round(personas, name):
    with pytest.raises(PermissionDenied):
        services.round_create(actor=getattr(personas, name), year=2024, title="x", submission_deadline=timezone.localdate())
    assert not SelectionRound.objects.exists()


def test_city_official_opens_a_round_once_per_year(personas):
    services.round_create(actor=personas.city_official, year=2024, title="x", submission_deadline=timezone.localdate())
    with pytest.raises(ValidationError):
        services.round_create(actor=personas.city_official, year=2024, title="y", submission_deadline=timezone.localdate())
    assert SelectionRound.objects.count() == 1


@pytest.mark.parametrize(
    "criteria", [[("创新性", 50), ("实效性", 40)], [("创新性", 60), ("实效性", 60)], [("a", 0), ("b", 100)], []]
)
def test_weights_must_sum_to_100_and_nothing_changes(open_contest, personas, criteria):
    before = list(Criterion.objects.values_list("name", "weight"))
    with pytest.raises(ValidationError) as error:
        services.criteria_set(actor=personas.city_admin, round=open_contest.round, criteria=criteria)
    assert "criteria" in error.value.message_dict
    assert list(Criterion.objects.values_list("name", "weight")) == before


def test_criteria_fixed_once_judging(contest, personas):
    with pytest.raises(ValidationError):
        services.criteria_set(actor=personas.city_admin, round=contest.round, criteria=[("x", 100)])
    assert contest.round.criteria.count() == 3


def test_judging_needs_enough_judges(open_contest, personas):
    round = open_contest.round
    round.min_judges = 4
    round.save()
    with pytest.raises(ValidationError, match="at least 4 judges"):
        services.round_start_judging(actor=personas.city_admin, round=round)
    round.refresh_from_db()
    assert round.state == "open"


def test_judge_assignment_is_committee_only_and_unique(open_contest, personas):
    with pytest.raises(PermissionDenied):
        services.judge_assign(actor=personas.district_a, round=open_contest.round, person=personas.district_a.person)
    with pytest.raises(ValidationError):
        services.judge_assign(actor=personas.city_admin, round=open_contest.round, person=personas.expert.person)
    assert JudgeAssignment.objects.filter(round=open_contest.round).count() == 3


# --- entries -----------------------------------------------------------------------------------


def test_department_officer_submits_only_for_own_department(open_contest, city):
    officer = open_contest.housing_officer
    with pytest.raises(PermissionDenied):
        services.entry_create(actor=officer, round=open_contest.round, department=open_contest.transport, category="method", title="t", summary="s")  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.entry_create(actor=officer, round=open_contest.round, department=city.city_department, category="method", title="t", summary="s")  # fmt: skip
    assert InnovationEntry.objects.count() == 6


@pytest.mark.parametrize("name", ["enterprise_user", "expert", "outsider", "district_b"])
def test_others_cannot_submit(open_contest, personas, city, name):
    with pytest.raises(PermissionDenied):
        services.entry_create(actor=getattr(personas, name), round=open_contest.round, department=city.bureau_a, category="method", title="t", summary="s")  # fmt: skip


def test_only_departments_and_bureaus_submit(open_contest, personas, city):
    with pytest.raises(ValidationError) as error:
        services.entry_create(actor=personas.city_admin, round=open_contest.round, department=city.enterprise_a, category="method", title="t", summary="s")  # fmt: skip
    assert "department" in error.value.message_dict


def test_deadline_and_state_bind_submissions(open_contest, personas):
    round = open_contest.round
    draft = open_contest.entries["draft"]
    SelectionRound.objects.filter(pk=round.pk).update(submission_deadline=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationError, match="deadline"):
        services.entry_submit(actor=open_contest.housing_officer, entry=draft)
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_submit_withdraw_and_materials(open_contest):
    officer = open_contest.housing_officer
    draft = services.entry_submit(actor=officer, entry=open_contest.entries["draft"])
    assert draft.state == "submitted" and draft.submitted_at and draft.submitted_by == officer.person
    services.entry_withdraw(actor=officer, entry=draft)
    assert InnovationEntry.objects.get(pk=draft.pk).state == "withdrawn"
    material = services.material_add(actor=officer, entry=draft, file=SimpleUploadedFile("plan.pdf", PDF))
    assert material.content_type == "application/pdf"
    with pytest.raises(ValidationError, match="PDF"):
        services.material_add(actor=officer, entry=draft, file=SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf"))
    assert draft.materials.count() == 1


def test_other_department_cannot_touch_an_entry(open_contest, city):
    from conftest import make_user

    other = make_user(city, "dept_transport", open_contest.transport, "department_officer")
    with pytest.raises(PermissionDenied):
        services.entry_withdraw(actor=other, entry=open_contest.entries["housing_a"])
    with pytest.raises(PermissionDenied):
        services.material_add(actor=other, entry=open_contest.entries["housing_a"], file=SimpleUploadedFile("a.pdf", PDF))


# --- scoring -----------------------------------------------------------------------------------


def test_judge_scores_and_corrects(contest, personas):
    services.scores_record(actor=personas.expert, assignment=contest.assignments["expert"], scores=_scores(contest, value="7.5"))
    services.scores_record(actor=personas.expert, assignment=contest.assignments["expert"], scores=_scores(contest, value="8"))
    assert sorted(set(Score.objects.values_list("value", flat=True))) == [8]
    assert Score.objects.count() == 3


def test_own_department_judge_refused_nothing_changed(contest):
    audit_before = AuditEntry.objects.count()
    rows = _scores(contest, key="em") + _scores(contest, key="housing_a")
    with pytest.raises(ValidationError) as error:
        services.scores_record(actor=contest.judge_housing, assignment=contest.assignments["housing"], scores=rows)
    assert error.value.error_dict["entry"][0].code == "own_department"
    assert "own department" in str(error.value)
    assert not Score.objects.exists() and AuditEntry.objects.count() == audit_before


@pytest.mark.parametrize("value", ["10.5", "-1", "11", "abc", "7.25", "NaN"])
def test_out_of_scale_refused_nothing_changed(contest, personas, value):
    rows = _scores(contest, value="8")[:2] + _scores(contest, value=value)[2:]
    with pytest.raises(ValidationError) as error:
        services.scores_record(actor=personas.expert, assignment=contest.assignments["expert"], scores=rows)
    assert "value" in error.value.message_dict
    assert not Score.objects.exists()


def test_scale_boundaries_accepted(contest, personas):
    rows = _scores(contest, value="0")[:1] + _scores(contest, value="10")[1:]
    services.scores_record(actor=personas.expert, assignment=contest.assignments["expert"], scores=rows)
    assert Score.objects.count() == 3


def test_scoring_outside_judging_refused(open_contest, personas):
    with pytest.raises(ValidationError, match="judging"):
        services.scores_record(actor=personas.expert, assignment=open_contest.assignments["expert"], scores=_scores(open_contest))
    assert not Score.objects.exists()


@pytest.mark.parametrize("name", ["district_a", "enterprise_user", "outsider", "city_admin_for_draft"])
def test_who_may_score(contest, personas, name):
    if name == "city_admin_for_draft":
        with pytest.raises(ValidationError):  # the committee may enter sheets, but not for a draft
            services.scores_record(
                actor=personas.city_admin, assignment=contest.assignments["paper"], scores=_scores(contest, key="draft")
            )
    else:
        with pytest.raises(PermissionDenied):
            services.scores_record(
                actor=getattr(personas, name), assignment=contest.assignments["expert"], scores=_scores(contest)
            )
    assert not Score.objects.exists()


def test_judge_cannot_write_on_another_judges_sheet(contest, personas):
    with pytest.raises(PermissionDenied):
        services.scores_record(actor=personas.expert, assignment=contest.assignments["paper"], scores=_scores(contest))


# --- selection ---------------------------------------------------------------------------------


def test_select_and_publish_freezes_the_list(contest, personas):
    score_all(contest, personas)
    selection = services.selection_make(actor=personas.city_admin, round=contest.round)
    rows = list(SelectedEntry.objects.filter(selection=selection).order_by("rank"))
    assert len(rows) == 2 and [r.rank for r in rows] == [1, 2]
    live = selectors.ranking_of(contest.round).ranked
    assert [r.entry_id for r in rows] == [r.entry_id for r in live[:2]]
    assert InnovationEntry.objects.filter(selected=True).count() == 2
    with pytest.raises(ValidationError):  # no more scores once selected
        services.scores_record(
            actor=personas.expert, assignment=contest.assignments["expert"], scores=_scores(contest, value="0")
        )
    services.selection_publish(actor=personas.city_admin, round=contest.round)
    assert Selection.objects.get().published_at is not None
    # A later rescore written behind the services' back does not change the published list.
    Score.objects.filter(entry_id=rows[0].entry_id).update(value=0)
    assert list(SelectedEntry.objects.order_by("rank").values_list("entry_id", flat=True)) == [r.entry_id for r in rows]
    with pytest.raises(ValidationError):
        services.selection_cancel(actor=personas.city_admin, round=contest.round)


def test_selection_refused_with_too_few_judges_or_entries(contest, personas):
    services.scores_record(actor=personas.expert, assignment=contest.assignments["expert"], scores=_scores(contest))
    with pytest.raises(ValidationError, match="Only 1 entries"):
        services.selection_make(actor=personas.city_admin, round=contest.round)
    score_all(contest, personas)
    SelectionRound.objects.filter(pk=contest.round.pk).update(min_judges=3)
    # housing_a, housing_b and transport were scored by 2 judges only: selecting all 5 is refused.
    with pytest.raises(ValidationError, match="3 entries in the top 5 were scored by fewer than 3 judges"):
        services.selection_make(actor=personas.city_admin, round=contest.round, count=5)
    assert not Selection.objects.exists() and SelectionRound.objects.get().state == "judging"


def test_selection_is_committee_only_and_can_be_undone_before_publication(contest, personas):
    score_all(contest, personas)
    with pytest.raises(PermissionDenied):
        services.selection_make(actor=personas.district_a, round=contest.round)
    with pytest.raises(ValidationError):
        services.selection_publish(actor=personas.city_admin, round=contest.round)
    services.selection_make(actor=personas.city_official, round=contest.round)
    services.selection_cancel(actor=personas.city_official, round=contest.round)
    assert not Selection.objects.exists() and not InnovationEntry.objects.filter(selected=True).exists()
    assert SelectionRound.objects.get().state == "judging"


def test_ranking_normalises_the_strict_paper_judge(contest, personas):
    score_all(contest, personas)
    result = selectors.ranking_of(contest.round)
    stats = result.stats
    paper, expert = stats[contest.assignments["paper"].pk], stats[contest.assignments["expert"].pk]
    assert paper.mean < expert.mean  # stricter in raw totals
    assert abs(sum(paper.z.values())) < 1e-9 and abs(sum(expert.z.values())) < 1e-9
    assert {r.entry_id for r in result.ranked} == {contest.entries[k].pk for k in SHEETS["expert"]}
