"""Valid official codes for generated demo organisations."""

from __future__ import annotations

import random

from safecity.core.validators import credit_code_check_character

_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code(rng: random.Random) -> str:
    """A 9-character organisation code (GB 11714-1997): 8 digits and its mod-11 check character."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    remainder = 11 - sum(int(c) * w for c, w in zip(body, _ORG_CODE_WEIGHTS, strict=True)) % 11
    check = {10: "X", 11: "0"}.get(remainder, str(remainder))
    return body + check


def credit_code(rng: random.Random, *, region_code: str, prefix: str = "91") -> str:
    """A unified social credit code (GB 32100-2015) with a correct check character."""
    first17 = prefix + region_code[:6] + organisation_code(rng)
    return first17 + credit_code_check_character(first17)
