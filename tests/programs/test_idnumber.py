"""R3: the 居民身份证号 (GB 11643) validator, birth date and gender agreement, masking."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import AuditLog
from programs import services
from programs.exceptions import CadreDataError
from programs.idnumber import (
    PROVINCE_CODES,
    id_number_birth_date,
    id_number_check_char,
    id_number_gender,
    id_number_mask,
    id_number_normalize,
    validate_id_number,
)
from programs.models import Cadre, ManagingDepartmentChange

CHARS = "0123456789X"

# Sequence 998 (a woman): tests.factories.make_id_number never hands it out (at most 997), so this
# number cannot collide with a cadre of the shared world, whatever the order the tests run in.
FIXED_FIRST17 = "14052519900308998"


@st.composite
def id_numbers(draw):
    """(number, birth date, gender) with a valid province prefix, a birth date 1940–2005 and any sequence."""
    province = draw(st.sampled_from(sorted(PROVINCE_CODES)))
    rest = draw(st.integers(min_value=0, max_value=9999))
    birth = draw(st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2005, 12, 31)))
    sequence = draw(st.integers(min_value=0, max_value=999))
    first17 = f"{province:02d}{rest:04d}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_number_check_char(first17), birth, "M" if sequence % 2 else "F"


def _messages(excinfo) -> str:
    return " ".join(str(message) for message in excinfo.value.messages)


# --- The validator on its own ----------------------------------------------------------------


@settings(max_examples=200)
@given(id_numbers())
def test_R3_valid_numbers_round_trip(case):
    number, birth, gender = case
    validate_id_number(number)
    assert id_number_birth_date(number) == birth
    assert id_number_gender(number) == gender
    assert id_number_normalize(number) == number
    # A lower-case check character is the same number.
    assert id_number_normalize(number.lower()) == number
    validate_id_number(number.lower())


@settings(max_examples=200)
@given(id_numbers(), st.data())
def test_R3_any_single_character_change_is_rejected(case, data):
    number, _birth, _gender = case
    position = data.draw(st.integers(min_value=0, max_value=17), label="position")
    replacement = data.draw(st.sampled_from([c for c in CHARS if c != number[position]]), label="replacement")
    changed = number[:position] + replacement + number[position + 1:]
    with pytest.raises(ValidationError):
        validate_id_number(changed)


def test_R3_every_single_character_change_of_one_number_is_rejected():
    # Exhaustive for one number: 18 positions × 10 other characters.
    number = "14052519880517123" + id_number_check_char("14052519880517123")
    validate_id_number(number)
    for position in range(18):
        for replacement in CHARS:
            if replacement == number[position]:
                continue
            with pytest.raises(ValidationError):
                validate_id_number(number[:position] + replacement + number[position + 1:])


@settings(max_examples=100)
@given(id_numbers(), st.integers(min_value=0, max_value=16), st.sampled_from("٠١٢٣٤٥٦٧٨٩०१२३४५६७८९"))
def test_R3_digits_of_other_scripts_are_rejected(case, position, digit):
    # Python's \d and int() accept these; the database constraint does not.
    number, _birth, _gender = case
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(number[:position] + digit + number[position + 1:])
    assert "前17位应为数字" in _messages(excinfo)


def test_R3_full_width_digits_from_an_input_method_are_folded_to_ascii():
    number = "14052519880517123" + id_number_check_char("14052519880517123")
    full_width = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
    assert id_number_normalize(full_width) == number
    validate_id_number(full_width)


@pytest.mark.parametrize("value", ["1.40525198805E+17", "1.40525198805e+17", "1.4052519880517E17", "1.405251988051E+17", "140525880517123"])
def test_R3_excel_mangled_numbers_say_excel(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(value)
    assert "Excel" in _messages(excinfo)
    assert excinfo.value.code == "id_number_length"


def test_R3_number_whose_last_digits_excel_zeroed_says_excel():
    first17 = "14052519880517100"
    number = first17 + "0"
    assert id_number_check_char(first17) != "0"
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(number)
    assert "Excel" in _messages(excinfo)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "现为0位"),
        ("1405251988", "现为10位"),
        ("14052519880517123X9", "现为19位"),
        ("14052519880517A23X", "前17位应为数字"),
        ("00052519880517123X", "地区码“00”"),
        ("99052519880517123X", "地区码“99”"),
        ("14052519880230123X", "出生日期“19880230”不是有效日期"),
        ("14052518880517123X", "不在合理范围内"),
        ("14052529990517123X", "不在合理范围内"),
    ],
)
def test_R3_malformed_numbers_say_what_is_wrong(value, expected):
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(value)
    assert expected in _messages(excinfo)


def test_R3_wrong_check_character_names_expected_and_actual():
    first17 = "14052519880517123"
    right = id_number_check_char(first17)
    wrong = "1" if right != "1" else "2"
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(first17 + wrong)
    message = _messages(excinfo)
    assert f"应为“{right}”" in message and f"实为“{wrong}”" in message


def test_R3_mask_keeps_first_and_last_four():
    assert id_number_mask("140525198805171234") == "1405**********1234"
    assert id_number_mask("14052519880517123x") == "1405**********123X"
    assert id_number_mask("1234") == "****"


# --- Through the service: agreement of birth date and gender (R3) ---------------------------


def _cadre_fields(world, number, **extra):
    fields = {
        "name": "测试干部", "id_number": number, "education": Cadre.Education.BACHELOR,
        "rank": Cadre.Rank.GENERAL, "current_post": "科员", "political_status": Cadre.PoliticalStatus.PARTY_MEMBER,
        "sending_unit": world.units["zz_drc"],
    }
    fields.update(extra)
    return fields


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=id_numbers())
def test_R3_cadre_create_reads_birth_date_and_gender_from_the_number(world, case):
    number, birth, gender = case
    with transaction.atomic():
        cadre = services.cadre_create(acting_user=world.admin, **_cadre_fields(world, number.lower()))
        cadre.refresh_from_db()
        assert cadre.id_number == number
        assert cadre.birth_date == birth
        assert cadre.gender == gender
        assert cadre.masked_id_number == f"{number[:4]}{'*' * 10}{number[-4:]}"
        assert AuditLog.objects.filter(action="cadre_create", target_id=str(cadre.pk), actor=world.admin).exists()
        transaction.set_rollback(True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=id_numbers(), shift=st.integers(min_value=1, max_value=3000))
def test_R3_cadre_create_refuses_a_birth_date_the_number_does_not_carry(world, case, shift):
    number, birth, _gender = case
    given_birth = birth - dt.timedelta(days=shift)
    cadres, audits = Cadre.objects.count(), AuditLog.objects.count()
    with pytest.raises(CadreDataError) as excinfo:
        services.cadre_create(acting_user=world.admin, **_cadre_fields(world, number, birth_date=given_birth))
    message = str(excinfo.value)
    assert given_birth.isoformat() in message and birth.isoformat() in message
    assert "不一致" in message
    assert (Cadre.objects.count(), AuditLog.objects.count()) == (cadres, audits)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=id_numbers())
def test_R3_cadre_create_refuses_a_gender_the_number_does_not_carry(world, case):
    number, birth, gender = case
    other = "F" if gender == "M" else "M"
    cadres, audits = Cadre.objects.count(), AuditLog.objects.count()
    with pytest.raises(CadreDataError) as excinfo:
        services.cadre_create(acting_user=world.admin, **_cadre_fields(world, number, birth_date=birth, gender=other))
    message = str(excinfo.value)
    assert f"性别“{Cadre.Gender(other).label}”" in message
    assert f"“{Cadre.Gender(gender).label}”" in message
    assert (Cadre.objects.count(), AuditLog.objects.count()) == (cadres, audits)


def test_R3_cadre_create_accepts_matching_birth_date_and_gender(world):
    number = FIXED_FIRST17 + id_number_check_char(FIXED_FIRST17)
    cadre = services.cadre_create(
        acting_user=world.admin, **_cadre_fields(world, number, birth_date=dt.date(1990, 3, 8), gender="F")
    )
    assert (cadre.birth_date, cadre.gender) == (dt.date(1990, 3, 8), "F")


@pytest.mark.parametrize("value", ["1.40525198805E+17", "140525880517123"])
def test_R3_cadre_create_refuses_excel_mangled_numbers(world, value):
    cadres, audits = Cadre.objects.count(), AuditLog.objects.count()
    with pytest.raises(CadreDataError) as excinfo:
        services.cadre_create(acting_user=world.admin, **_cadre_fields(world, value))
    assert "Excel" in str(excinfo.value)
    assert (Cadre.objects.count(), AuditLog.objects.count()) == (cadres, audits)


def test_R3_cadre_create_refuses_digits_of_other_scripts_without_touching_the_database(world):
    number = FIXED_FIRST17 + id_number_check_char(FIXED_FIRST17)
    cadres = Cadre.objects.count()
    with pytest.raises(CadreDataError):
        services.cadre_create(acting_user=world.admin, **_cadre_fields(world, "١" + number[1:]))
    assert Cadre.objects.count() == cadres


def test_R3_cadre_create_stores_full_width_input_as_ascii(world):
    number = FIXED_FIRST17 + id_number_check_char(FIXED_FIRST17)
    typed = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    cadre = services.cadre_create(acting_user=world.admin, **_cadre_fields(world, typed))
    cadre.refresh_from_db()
    assert cadre.id_number == number


def test_R3_id_number_is_unique(world):
    existing = world.cadres["cadre"].id_number
    cadres, history = Cadre.objects.count(), ManagingDepartmentChange.objects.count()
    with pytest.raises(CadreDataError) as excinfo:
        services.cadre_create(acting_user=world.admin, **_cadre_fields(world, existing))
    assert "身份证号" in str(excinfo.value)
    assert (Cadre.objects.count(), ManagingDepartmentChange.objects.count()) == (cadres, history)


@pytest.mark.parametrize(("birth_date", "gender"), [(None, None), (None, ""), ("", "")])
def test_R3_blank_birth_date_and_gender_from_a_form_are_read_from_the_number(world, birth_date, gender):
    number = FIXED_FIRST17 + id_number_check_char(FIXED_FIRST17)
    cadre = services.cadre_create(
        acting_user=world.admin, **_cadre_fields(world, number, birth_date=birth_date, gender=gender)
    )
    cadre.refresh_from_db()
    assert (cadre.birth_date, cadre.gender) == (dt.date(1990, 3, 8), "F")
