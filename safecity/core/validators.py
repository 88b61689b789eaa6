"""Validators for the official codes that key regions and organisations.

- GB 32100-2015 unified social credit code (统一社会信用代码): 18 characters from a 31-character
  alphabet (digits and capitals without I, O, S, V, Z); the 18th is a check character computed
  modulo 31 with the weights 3^(i-1) mod 31.
- GB/T 2260 administrative division code (行政区划代码): 6 digits; the statistics division codes
  extend it to 9 digits (town/street) and 12 digits (village/community).
- GB/T 4754-2017 industry classification (国民经济行业分类): a section letter, optionally followed
  by a 2-digit division, 3-digit group or 4-digit class whose leading digits fall in the section.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Position 1: registration authority; position 2: organisation type under that authority (GB 32100 table 1).
CREDIT_CODE_AUTHORITY_TYPES: dict[str, str] = {
    "1": "1239",  # organisation establishment: organ, public institution, mass organisation
    "2": "19",  # foreign affairs
    "3": "123459",  # justice (law firms, notaries, ...)
    "4": "19",  # culture
    "5": "12349",  # civil affairs: social group, private non-enterprise unit, foundation, grassroots self-government
    "6": "129",  # tourism
    "7": "129",  # religion
    "8": "19",  # federation of trade unions
    "9": "123",  # industry and commerce / market regulation: enterprise, individual, farmers' co-op
    "A": "19",  # central military commission reform office
    "N": "1239",  # agriculture: collective economic organisations
    "Y": "1",  # other
}


def credit_code_check_character(first17: str) -> str:
    """Return the GB 32100-2015 check character for the first 17 characters of a credit code."""
    total = 0
    for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True):
        value = CREDIT_CODE_ALPHABET.find(char)
        if value < 0:
            raise ValueError(f"character {char!r} is not allowed in a unified social credit code")
        total += value * weight
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Reject a malformed unified social credit code with a message that says what is wrong."""
    code = value or ""
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d.") % {"n": len(code)},
            code="credit_code_length",
        )
    bad = [c for c in code if c not in CREDIT_CODE_ALPHABET]
    if bad:
        raise ValidationError(
            _("Character %(char)s is not allowed in a unified social credit code (no I, O, S, V, Z or lower case).")
            % {"char": repr(bad[0])},
            code="credit_code_alphabet",
        )
    authority, kind = code[0], code[1]
    allowed = CREDIT_CODE_AUTHORITY_TYPES.get(authority)
    if allowed is None or kind not in allowed:
        raise ValidationError(
            _("The first two characters %(prefix)s are not a registration authority and organisation type of GB 32100-2015.")
            % {"prefix": code[:2]},
            code="credit_code_authority",
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("Characters 3 to 8 of a unified social credit code are the 6-digit division code."),
            code="credit_code_region",
        )
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("The check character is wrong: expected %(expected)s, got %(got)s. Check the code for a typing error.")
            % {"expected": expected, "got": code[17]},
            code="credit_code_check",
        )


REGION_CODE_RE = re.compile(r"^(\d{6}|\d{9}|\d{12})$")


def validate_region_code(value: str) -> None:
    """A GB/T 2260 code (6 digits), or a statistics code extended to 9 or 12 digits."""
    if not REGION_CODE_RE.match(value or ""):
        raise ValidationError(
            _("A division code has 6 digits (GB/T 2260), or 9 or 12 digits for streets and villages."),
            code="region_code_format",
        )
    if value[:2] == "00":
        raise ValidationError(_("A division code cannot start with 00."), code="region_code_province")


# GB/T 4754-2017: each section letter and the 2-digit divisions it holds.
INDUSTRY_SECTIONS: dict[str, tuple[int, int]] = {
    "A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50), "F": (51, 52),
    "G": (53, 60), "H": (61, 62), "I": (63, 65), "J": (66, 69), "K": (70, 70), "L": (71, 72),
    "M": (73, 75), "N": (76, 79), "O": (80, 82), "P": (83, 83), "Q": (84, 85), "R": (86, 90),
    "S": (91, 97), "T": (98, 98),
}  # fmt: skip
INDUSTRY_CODE_RE = re.compile(r"^([A-T])(\d{2,4})?$")


def validate_industry_code(value: str) -> None:
    """A GB/T 4754-2017 code such as ``C``, ``C26``, ``C261`` or ``C2614``."""
    match = INDUSTRY_CODE_RE.match(value or "")
    if not match:
        raise ValidationError(
            _("An industry code is a section letter A-T, optionally followed by 2 to 4 digits (GB/T 4754-2017), e.g. C2614."),
            code="industry_code_format",
        )
    section, digits = match.groups()
    if digits:
        low, high = INDUSTRY_SECTIONS[section]
        division = int(digits[:2])
        if not low <= division <= high:
            raise ValidationError(
                _("Division %(division)s does not belong to section %(section)s (GB/T 4754-2017).")
                % {"division": digits[:2], "section": section},
                code="industry_code_section",
            )
