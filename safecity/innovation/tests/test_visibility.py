"""Who sees what (issue 5 §5), on selectors, pages and the API; the public pages; query counts;
the API error format; the demo's figures."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from safecity.core.figures import FigureContext
from safecity.innovation import cockpit, selectors, services
from safecity.innovation.models import Score, SelectionRound
from safecity.innovation.tests.conftest import score_all

pytestmark = pytest.mark.django_db

ALL = {"housing_a", "housing_b", "em", "transport", "bureau_a", "draft"}
SUBMITTED = ALL - {"draft"}


def _seen(user, contest):
    ids = set(selectors.entry_list(user=user).values_list("pk", flat=True))
    return {k for k, e in contest.entries.items() if e.pk in ids}


def test_entry_visibility_per_persona(contest, personas):
    expected = {
        "city_admin": ALL,
        "city_official": ALL,
        "district_a": {"bureau_a"},  # the bureau in their district
        "district_b": set(),
        "enterprise_user": set(),
        "expert": SUBMITTED,  # a judge of the round: submitted entries only
        "outsider": set(),
    }
    for name, keys in expected.items():
        assert _seen(getattr(personas, name), contest) == keys, name
    assert _seen(contest.housing_officer, contest) == {"housing_a", "housing_b", "draft"}
    assert _seen(contest.judge_housing, contest) == SUBMITTED


def test_expert_not_judging_sees_nothing(contest, city, personas):
    from conftest import make_user

    other = make_user(city, "other_expert", city.expert_institution, "expert", city.city)
    assert _seen(other, contest) == set()
    assert not selectors.my_scores(user=other).exists()


def test_judge_sheet_never_offers_own_department(contest, client):
    sheet = selectors.scoring_sheet(user=contest.judge_housing, round=contest.round)
    assert {e.pk for e in sheet.entries} == {contest.entries[k].pk for k in ("em", "transport", "bureau_a")}
    assert sheet.own_department == 2
    client.force_login(contest.judge_housing)
    page = client.get(reverse("innovation:score-sheet", args=[contest.round.pk])).content.decode()
    assert "深度安全体检" in page and "高处作业" not in page and "2 entries of your own department" in page


def test_sheet_post_out_of_scale_shows_error_and_changes_nothing(contest, personas, client):
    client.force_login(personas.expert)
    url = reverse("innovation:score-sheet", args=[contest.round.pk])
    criteria = list(contest.round.criteria.all())
    entry = contest.entries["em"]
    data = {f"s-{entry.pk}-{c.pk}": "8" for c in criteria}
    data[f"s-{entry.pk}-{criteria[0].pk}"] = "12"
    response = client.post(url, data)
    assert response.status_code == 200 and "from 0 to 10" in response.content.decode()
    assert not Score.objects.exists()
    data[f"s-{entry.pk}-{criteria[0].pk}"] = "9.5"
    assert client.post(url, data).status_code == 302
    assert Score.objects.count() == 3


def test_pages_per_persona(contest, personas, client):
    round = contest.round
    for name, status in [("city_admin", 200), ("expert", 403), ("district_a", 403), ("outsider", 403)]:
        client.force_login(getattr(personas, name))
        assert client.get(reverse("innovation:ranking", args=[round.pk])).status_code == status, name
    client.force_login(personas.district_b)
    assert client.get(reverse("innovation:entry-detail", args=[contest.entries["em"].pk])).status_code == 404
    assert client.get(reverse("innovation:score-sheet", args=[round.pk])).status_code == 403
    client.force_login(contest.housing_officer)
    page = client.get(reverse("innovation:round-detail", args=[round.pk])).content.decode()
    assert "草稿项目" in page and "深度安全体检" not in page
    client.force_login(personas.expert)
    assert client.get(reverse("innovation:entry-detail", args=[contest.entries["draft"].pk])).status_code == 404
    assert client.get(reverse("innovation:entry-detail", args=[contest.entries["em"].pk])).status_code == 200


def test_ranking_page_shows_every_judge_and_the_method(contest, personas, client):
    score_all(contest, personas)
    client.force_login(personas.city_admin)
    response = client.get(reverse("innovation:ranking", args=[contest.round.pk]))
    page = response.content.decode()
    assert "纸质评委" in page and "50 + 10" in page and "earlier submission" in page and "ranking-chart" in page
    # The chart data is encoded once: the script element parses to an object, not to a string.
    raw = re.search(r'<script id="ranking-chart" type="application/json">(.*?)</script>', page, re.S)
    assert raw is not None
    chart = json.loads(raw.group(1))
    assert isinstance(chart, dict) and len(chart["judges"]) == len(chart["raw"]) == len(chart["z"]) == 3
    assert all(len(box) == 5 and box[-1] > 0 for box in chart["raw"])


def test_anonymous_sees_only_published_list_and_library(contest, personas, client):
    score_all(contest, personas)
    services.selection_make(actor=personas.city_admin, round=contest.round)
    from safecity.library import services as library_services

    item = library_services.library_entry_create(
        actor=personas.city_admin, kind="local_standard", title="起重机械安全管理规范", summary="起重机械"
    )
    services.library_project_link(actor=personas.city_admin, item=item, entry=contest.entries["housing_a"])
    # Selected but not published: nobody outside the committee sees the list.
    assert "No list has been published" in client.get(reverse("innovation:published")).content.decode()
    assert client.get("/api/innovation/published/").json()["count"] == 0
    services.selection_publish(actor=personas.city_admin, round=contest.round)
    page = client.get(reverse("innovation:published")).content.decode()
    first = contest.round.selection.rows.get(rank=1)
    assert first.title in page
    assert client.get(reverse("library:library") + "?q=起重").status_code == 200
    assert "起重机械安全管理规范" in client.get(reverse("library:library") + "?q=起重").content.decode()
    assert "起重机械安全管理规范" not in client.get(reverse("library:library") + "?q=出租").content.decode()
    assert "起重机械安全管理规范" in client.get(reverse("library:library-detail", args=[item.pk])).content.decode()
    assert client.get("/api/library/entries/?q=起重").json()["count"] == 1
    # The library's former addresses under /innovation/ still work: permanent redirects.
    moved = client.get("/innovation/library/?q=起重")
    assert moved.status_code == 301 and moved["Location"] == reverse("library:library") + "?q=%E8%B5%B7%E9%87%8D"
    assert client.get(f"/innovation/library/{item.pk}/")["Location"] == reverse("library:library-detail", args=[item.pk])
    assert client.get("/api/innovation/library/?q=起重", follow=True).json()["count"] == 1
    # Everything else needs a login.
    assert client.get(reverse("innovation:round-detail", args=[contest.round.pk])).status_code == 302
    assert client.get("/api/innovation/entries/").status_code == 401
    assert client.get("/api/innovation/scores/").status_code == 401


def test_api_scores_and_error_format(contest, personas, client):
    client.force_login(contest.judge_housing)
    criterion = contest.round.criteria.first()
    own = client.post("/api/innovation/scores/", {"entry": contest.entries["housing_a"].pk, "criterion": criterion.pk, "value": "8"}, content_type="application/json")  # fmt: skip
    assert own.status_code == 400
    body = own.json()
    assert set(body) == {"code", "message", "fields"} and "own department" in body["fields"]["entry"][0]
    out = client.post("/api/innovation/scores/", {"entry": contest.entries["em"].pk, "criterion": criterion.pk, "value": "11"}, content_type="application/json")  # fmt: skip
    assert out.status_code == 400 and "value" in out.json()["fields"]
    ok = client.post("/api/innovation/scores/", {"entry": contest.entries["em"].pk, "criterion": criterion.pk, "value": "7.5"}, content_type="application/json")  # fmt: skip
    assert ok.status_code == 201 and ok.json()["value"] == "7.5"
    assert client.get("/api/innovation/scores/").json()["count"] == 1
    # Another judge does not see this judge's scores; the committee does.
    client.force_login(personas.expert)
    assert client.get("/api/innovation/scores/").json()["count"] == 0
    client.force_login(personas.city_admin)
    assert client.get("/api/innovation/scores/").json()["count"] == 1
    assert client.get(f"/api/innovation/rounds/{contest.round.pk}/ranking/").status_code == 200
    client.force_login(personas.expert)
    assert client.get(f"/api/innovation/rounds/{contest.round.pk}/ranking/").status_code == 403


def test_api_criteria_weights_and_entries(open_contest, personas, client):
    client.force_login(personas.city_admin)
    bad = client.post(f"/api/innovation/rounds/{open_contest.round.pk}/criteria/", {"criteria": [{"name": "a", "weight": 50}, {"name": "b", "weight": 30}]}, content_type="application/json")  # fmt: skip
    assert bad.status_code == 400 and "sum to 100" in bad.json()["fields"]["criteria"][0]
    assert open_contest.round.criteria.count() == 3
    client.force_login(open_contest.housing_officer)
    listed = client.get("/api/innovation/entries/").json()
    assert {e["title"] for e in listed["results"]} == {"高处作业“1+N”工作法", "出租房屋安全管理规定", "草稿项目"}
    created = client.post("/api/innovation/entries/", {"round": open_contest.round.pk, "department": open_contest.housing.pk, "category": "method", "title": "新方法", "summary": "s", "submit": True}, content_type="application/json")  # fmt: skip
    assert created.status_code == 201 and created.json()["state"] == "submitted"
    other = client.post("/api/innovation/entries/", {"round": open_contest.round.pk, "department": open_contest.transport.pk, "category": "method", "title": "x", "summary": "s"}, content_type="application/json")  # fmt: skip
    assert other.status_code in (400, 403)


def test_query_counts_do_not_grow(contest, personas, client, django_assert_max_num_queries):
    score_all(contest, personas)
    client.force_login(personas.city_admin)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("innovation:round-detail", args=[contest.round.pk])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("innovation:ranking", args=[contest.round.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/api/innovation/entries/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/api/innovation/scores/").status_code == 200


def test_cockpit_counts_from_records(contest, personas, city):
    score_all(contest, personas)
    services.selection_make(actor=personas.city_admin, round=contest.round)
    ctx = FigureContext(region=city.city, year=2023)
    assert cockpit.submitted(ctx) == 5 and cockpit.selected(ctx) == 0  # not yet published
    services.selection_publish(actor=personas.city_admin, round=contest.round)
    assert cockpit.selected(ctx) == 2
    assert sum(cockpit.by_category(ctx)["values"]) == 7
    assert cockpit.submitted(FigureContext(region=city.city, year=2023, user=personas.outsider)) == 0


def _run_demo_steps(*names: str) -> None:
    """Run only the demo steps this app needs (the whole demo runs elsewhere in the suite)."""
    import random

    from django.contrib.auth import get_user_model
    from django.utils.module_loading import autodiscover_modules

    from safecity.core.demo import steps

    autodiscover_modules("demo")
    User = get_user_model()
    admin = User.objects.filter(username="admin").first() or User.objects.create_superuser(
        username="admin", password="x", email=""
    )
    for step in steps():
        if step.name in names:
            step.run(random.Random(f"2023:{step.name}"), admin)


def test_demo_selects_and_publishes_38(db):
    from safecity.core.models import Region
    from safecity.innovation.models import InnovationEntry
    from safecity.library.models import LibraryEntry

    _run_demo_steps("core.city")
    _run_demo_steps("library.entries", "innovation.selection_2023")
    ctx = FigureContext(region=Region.objects.get(code="320400"), year=2023)
    assert cockpit.selected(ctx) == 38 and cockpit.submitted(ctx) >= 60
    round = SelectionRound.objects.get(year=2023)
    assert round.state == "published" and round.selection.rows.count() == 38
    assert round.judges.count() == 7
    # judge.zhang (市住建局) never scored an entry of his own department.
    zhang = round.judges.get(person__user__username="judge.zhang")
    assert not Score.objects.filter(judge=zhang, entry__department=zhang.person.organisation).exists()
    assert Score.objects.filter(judge=zhang).exists()
    assert InnovationEntry.objects.filter(round=round, selected=True).count() == 38
    titles = set(LibraryEntry.objects.values_list("title", flat=True))
    assert {"高处作业“1+N”工作法", "起重机械安全管理规范", "锂离子电池工厂安全生产规范"} <= titles
    assert not LibraryEntry.objects.exclude(code="").exists()  # no invented document numbers


def test_committee_opens_a_round_from_the_page(contest, personas, client):
    url = reverse("innovation:round-list")
    data = {
        "year": 2031,
        "title": "2031年度安全生产创新项目评选",
        "select_count": 20,
        "scale_max": 100,
        "min_judges": 2,
        "submission_deadline": "2031-06-30",
    }
    for name in ("district_a", "expert", "outsider"):
        client.force_login(getattr(personas, name))
        assert 'data-testid="round-create"' not in client.get(url).content.decode(), name
        assert client.post(url, data).status_code == 403, name
    assert not SelectionRound.objects.filter(year=2031).exists()
    client.force_login(personas.city_official)
    assert 'data-testid="round-create"' in client.get(url).content.decode()
    response = client.post(url, data)
    round = SelectionRound.objects.get(year=2031)
    assert response.status_code == 302 and response["Location"] == reverse("innovation:round-detail", args=[round.pk])
    assert (round.select_count, round.scale_max, round.min_judges, round.state) == (20, 100, 2, "open")
    # A second round for the same year is refused by the service; the form says why, nothing changes.
    response = client.post(url, {**data, "title": "重复"})
    assert response.status_code == 400 and "year" in response.context["form"].errors
    assert SelectionRound.objects.filter(year=2031).count() == 1
