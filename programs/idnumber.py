"""居民身份证号 (GB 11643-1999): check digit, birth date, gender, masking (R3).

An 18-character number is 6 digits of region, 8 of birth date (YYYYMMDD), 3 of sequence
(odd for men, even for women) and one check character computed from the first 17 with the
ISO 7064 MOD 11-2 weights. Every single-character change is caught: the weights are all
non-zero modulo the prime 11.
"""

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
PROVINCE_CODES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
     50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82}
)
# ASCII only: Python's \d also matches full-width and other scripts' digits, which int() reads
# as their values, so they would pass the checksum and then fail the database constraint.
_FORMAT = re.compile(r"^[0-9]{17}[0-9X]$")
_EXCEL_FLOAT = re.compile(r"^[0-9]+(\.[0-9]+)?E\+?[0-9]+$")


def id_number_normalize(value: str) -> str:
    """Strip, fold full-width characters an input method may produce (１２３ｘ) and upper-case x."""
    return unicodedata.normalize("NFKC", value or "").strip().upper()


def id_number_check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS))
    return CHECK_CHARS[total % 11]


def id_number_birth_date(value: str) -> dt.date:
    value = id_number_normalize(value)
    return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def id_number_gender(value: str) -> str:
    """'M' or 'F', from the parity of the 17th character."""
    return "M" if int(id_number_normalize(value)[16]) % 2 else "F"


def validate_id_number(value: str) -> None:
    """Raise ValidationError with a Chinese message saying what is wrong with the number."""
    value = id_number_normalize(value)
    # Scientific notation can be 18 characters long too ("1.405251988051E+17"): test it first.
    if _EXCEL_FLOAT.match(value) or re.fullmatch(r"[0-9]{15}", value):
        raise ValidationError(
            _("身份证号“%(value)s”不是18位：可能被 Excel 当作数字保存而丢失了位数，请把该列设为文本后重新填写。"),
            code="id_number_length",
            params={"value": value},
        )
    if len(value) != 18:
        raise ValidationError(
            _("身份证号应为18位，现为%(length)d位。"), code="id_number_length", params={"length": len(value)}
        )
    if not _FORMAT.match(value):
        raise ValidationError(
            _("身份证号前17位应为数字，最后一位为数字或X。"), code="id_number_format"
        )
    if int(value[:2]) not in PROVINCE_CODES:
        raise ValidationError(
            _("身份证号的地区码“%(code)s”不是有效的省级行政区划代码。"),
            code="id_number_region",
            params={"code": value[:2]},
        )
    try:
        birth = id_number_birth_date(value)
    except ValueError:
        raise ValidationError(
            _("身份证号中的出生日期“%(digits)s”不是有效日期。"), code="id_number_birth", params={"digits": value[6:14]}
        ) from None
    if birth.year < 1900 or birth > dt.date.today():
        raise ValidationError(
            _("身份证号中的出生日期“%(digits)s”不在合理范围内。"), code="id_number_birth", params={"digits": value[6:14]}
        )
    expected = id_number_check_char(value[:17])
    if value[17] != expected:
        if value.endswith("000"):
            # Excel keeps 15 significant digits: a number stored as a number comes back as …000.
            raise ValidationError(
                _("身份证号校验码错误，且末三位为“000”：可能被 Excel 当作数字保存而丢失了末几位，"
                  "请把该列设为文本后重新填写。"),
                code="id_number_checksum",
            )
        raise ValidationError(
            _("身份证号校验码错误：最后一位应为“%(expected)s”，实为“%(actual)s”，请核对号码。"),
            code="id_number_checksum",
            params={"expected": expected, "actual": value[17]},
        )


def id_number_mask(value: str) -> str:
    """Show the first four and last four characters: ``1405**********1234``."""
    value = id_number_normalize(value)
    if len(value) <= 8:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"
