"""The campaign page's scheduler line says what happened (issue 13, dates and states): a closed
campaign whose panels were set without a scheduler run does not say the scheduler has not run yet."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from safecity.deepchecks import services
from safecity.deepchecks.choices import CampaignStatus
from safecity.deepchecks.models import Campaign

pytestmark = pytest.mark.django_db


def _campaign(city: Any) -> Campaign:
    return services.campaign_create(
        actor=city.superuser, name="2023 新北区深度安全体检", region=city.district_a, year=2023,
        period_start=date(2023, 3, 1), period_end=date(2023, 3, 31),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("status", "says", "never"),
    [
        (CampaignStatus.DRAFT, "The scheduler has not run yet.", "set without a scheduler run"),
        (CampaignStatus.CLOSED, "The campaign is closed; its panels were set without a scheduler run.", "has not run yet"),
        (CampaignStatus.PUBLISHED, "The panels of this campaign were set without a scheduler run.", "has not run yet"),
    ],
)
def test_scheduler_line_follows_the_campaign_state(
    client: Any, city: Any, personas: Any, status: str, says: str, never: str
) -> None:
    campaign = _campaign(city)
    Campaign.objects.filter(pk=campaign.pk).update(status=status)  # e.g. the demo's past campaigns
    client.force_login(personas.district_a)
    for url in (reverse("deepchecks:campaign-detail", args=[campaign.pk]), reverse("deepchecks:run-status", args=[campaign.pk])):
        page = client.get(url).content.decode()
        assert says in page and never not in page, url
    client.force_login(personas.district_b)  # outside the campaign's region
    assert client.get(reverse("deepchecks:campaign-detail", args=[campaign.pk])).status_code == 404
