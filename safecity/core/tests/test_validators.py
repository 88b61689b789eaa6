"""The official-code validators, on real published codes and on corrupted ones."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from safecity.core.validators import (
    credit_code_check_character,
    validate_credit_code,
    validate_industry_code,
    validate_region_code,
)

# Unified social credit codes published on the enterprises' own licences / public registers.
REAL_CODES = [
    "91350100M000100Y43",  # the worked example of GB 32100-2015
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91330100716105852F",  # 阿里巴巴(中国)有限公司
    "914403001922038216",  # 华为技术有限公司
    "91110000802100433B",  # 北京百度网讯科技有限公司
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_credit_codes_are_accepted(code: str) -> None:
    validate_credit_code(code)
    assert credit_code_check_character(code[:17]) == code[17]


@pytest.mark.parametrize("code", REAL_CODES)
def test_every_single_character_typo_is_caught(code: str) -> None:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for position in range(2, 18):
        for replacement in alphabet:
            if replacement == code[position]:
                continue
            corrupted = code[:position] + replacement + code[position + 1 :]
            if position in range(2, 8) and not corrupted[2:8].isdigit():
                continue
            with pytest.raises(ValidationError):
                validate_credit_code(corrupted)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("91350100M000100Y4", "credit_code_length"),
        ("91350100M000100Y433", "credit_code_length"),
        ("91350100M000100I43", "credit_code_alphabet"),
        ("91350100m000100y43", "credit_code_alphabet"),
        ("99350100M000100Y43", "credit_code_authority"),
        ("Z1350100M000100Y43", "credit_code_alphabet"),
        ("91350100M000100Y44", "credit_code_check"),
        ("", "credit_code_length"),
    ],
)
def test_malformed_credit_codes_are_rejected_with_a_reason(code: str, error: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_credit_code(code)
    assert info.value.code == error


def test_check_character_message_names_the_expected_character() -> None:
    with pytest.raises(ValidationError) as info:
        validate_credit_code("91350100M000100Y44")
    assert "3" in str(info.value.messages[0])


@pytest.mark.parametrize("code", ["320400", "320411", "320411002", "320402003205"])
def test_region_codes_accepted(code: str) -> None:
    validate_region_code(code)


@pytest.mark.parametrize("code", ["32040", "3204000", "32041100", "32O400", "000000", "", "3204110021"])
def test_region_codes_rejected(code: str) -> None:
    with pytest.raises(ValidationError):
        validate_region_code(code)


@pytest.mark.parametrize("code", ["C", "C26", "C261", "C2614", "H6210", "G5430", "A01"])
def test_industry_codes_accepted(code: str) -> None:
    validate_industry_code(code)


@pytest.mark.parametrize("code", ["C12", "H26", "Z01", "c2614", "C26141", "26"])
def test_industry_codes_rejected(code: str) -> None:
    with pytest.raises(ValidationError):
        validate_industry_code(code)
