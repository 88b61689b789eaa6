"""Codes of the enterprise health portrait (健康画像): the four colours of the enterprise rating.

Source: domain-rules §1, enterprise-level rating (MEM 2018 style): score out of 100;
< 60 red, 60-<75 orange, 75-<90 yellow, >= 90 blue; some findings force red whatever the score.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PortraitColour(models.IntegerChoices):
    RED = 1, _("Red (below 60)")
    ORANGE = 2, _("Orange (60 to below 75)")
    YELLOW = 3, _("Yellow (75 to below 90)")
    BLUE = 4, _("Blue (90 and above)")


COLOUR_KEYS = {1: "red", 2: "orange", 3: "yellow", 4: "blue"}
COLOUR_HEX = {1: "#d7263d", 2: "#f08a24", 3: "#e6c229", 4: "#1b75bb"}
COLOUR_ZH = {1: "红色", 2: "橙色", 3: "黄色", 4: "蓝色"}
