"""Hostile-file checks and the formula-safe writer (core.spreadsheets), independent of any model."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from core.spreadsheets import (
    Column,
    SpreadsheetRefused,
    cell_neutralise,
    csv_read,
    spreadsheet_check,
    spreadsheet_read,
    xlsx_build,
)


def small_workbook(rows=(("姓名", "身份证号"), ("张三", "140525198805170019"))) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, *, replace: dict | None = None, add: dict | None = None, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """The same workbook with some members replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as target:
        for item in source.infolist():
            content = (replace or {}).get(item.filename, source.read(item.filename))
            target.writestr(item.filename, content)
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def refused(name: str, data: bytes) -> str:
    with pytest.raises(SpreadsheetRefused) as caught:
        spreadsheet_check(name=name, data=data)
    return caught.value.message


# --- type ------------------------------------------------------------------------------------


def test_a_good_workbook_and_csv_pass():
    assert spreadsheet_check(name="干部.xlsx", data=small_workbook()) == "xlsx"
    assert spreadsheet_check(name="干部.CSV", data="姓名\n张三\n".encode()) == "csv"


@pytest.mark.parametrize("name", ["干部.txt", "干部.exe", "干部", "干部.json"])
def test_a_wrong_extension_is_refused(name):
    assert "不受支持" in refused(name, small_workbook())


@pytest.mark.parametrize("name", ["干部.xlsm", "干部.xlsb", "干部.XLTM"])
def test_macro_workbooks_are_refused_by_extension(name):
    assert "含宏" in refused(name, small_workbook())


def test_legacy_xls_is_refused_with_advice():
    assert "另存为 .xlsx" in refused("干部.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100)


def test_a_renamed_binary_is_refused_as_xlsx_and_as_csv():
    assert "内容不是 Excel 工作簿" in refused("干部.xlsx", b"MZ\x90\x00\x03" + b"\x00" * 200)
    assert "内容不是 Excel 工作簿" in refused("干部.xlsx", _plain_zip())
    assert "内容不是文本" in refused("干部.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00")


def _plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return out.getvalue()


def test_a_macro_project_inside_an_xlsx_is_refused():
    data = rezip(small_workbook(), add={"xl/vbaProject.bin": b"\x00" * 100})
    assert "宏" in refused("干部.xlsx", data)


def test_csv_in_gb18030_and_utf8_bom_decodes_and_undecodable_is_refused():
    text = "姓名,身份证号\n张三,140525198805170019\n"
    for encoding in ("utf-8", "utf-8-sig", "gb18030"):
        dataset = csv_read(text.encode(encoding), max_rows=10)
        assert dataset.headers == ["姓名", "身份证号"] and dataset[0][0] == "张三"
    assert "编码" in refused("a.csv", b"\xff\xfe\xfa\xfb" * 10 + b"\x81\x20")


# --- size, bombs, entities, rows -------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.SPREADSHEET_MAX_UPLOAD_BYTES = 1000
    assert "超过上限" in refused("干部.xlsx", small_workbook() + b"\x00" * 1000)


def test_a_zip_bomb_is_refused_from_the_zip_directory_before_decompressing():
    # 60 MB of zeros compresses to about 60 KB: a ratio of about 1000.
    bomb = rezip(small_workbook(), add={"xl/media/padding.bin": b"\x00" * (60 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    assert "压缩炸弹" in refused("干部.xlsx", bomb)


def test_a_zip_over_the_total_uncompressed_limit_is_refused(settings):
    settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES = 100 * 1024
    data = rezip(small_workbook(), add={"xl/media/big.bin": bytes(range(256)) * 1024})
    assert "解压后" in refused("干部.xlsx", data)


def test_too_many_zip_members_are_refused(settings):
    settings.SPREADSHEET_MAX_ZIP_MEMBERS = 20
    data = rezip(small_workbook(), add={f"xl/media/{i}.txt": "x" for i in range(30)})
    assert "内部文件" in refused("干部.xlsx", data)


BILLION_LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
)


def test_an_xml_entity_bomb_in_the_sheet_xml_is_refused():
    data = rezip(small_workbook(), replace={"xl/worksheets/sheet1.xml": BILLION_LAUGHS})
    assert "DOCTYPE" in refused("干部.xlsx", data)


def test_an_external_entity_in_shared_strings_is_refused_even_in_utf16():
    xxe = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><sst/>'
    data = rezip(small_workbook(), add={"xl/sharedStrings2.xml": b"\xff\xfe" + xxe.encode("utf-16-le")})
    assert "DOCTYPE" in refused("干部.xlsx", data)


def test_too_many_rows_are_refused_and_blank_rows_do_not_count():
    rows = [("姓名",)] + [(f"人{i}",) for i in range(5)] + [(None,)] * 50
    dataset = spreadsheet_read(name="a.xlsx", data=small_workbook(rows), max_rows=5)
    assert len(dataset) == 5 and dataset.row_numbers == [2, 3, 4, 5, 6]
    with pytest.raises(SpreadsheetRefused) as caught:
        spreadsheet_read(name="a.xlsx", data=small_workbook(rows), max_rows=4)
    assert "超过 4 行" in caught.value.message and caught.value.extra["code"] == "too_many_rows"


def test_the_csv_row_limit_holds_too():
    data = ("姓名\n" + "".join(f"人{i}\n" for i in range(10))).encode()
    with pytest.raises(SpreadsheetRefused):
        spreadsheet_read(name="a.csv", data=data, max_rows=9)


# --- the writer -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=HYPERLINK(\"http://x\")"])
def test_text_that_could_be_a_formula_is_neutralised(text):
    assert cell_neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["张三", "1+1", "a=b", "", "'quoted"])
def test_ordinary_text_is_left_alone(text):
    assert cell_neutralise(text) == text


def test_xlsx_build_writes_text_dates_and_numbers_as_their_own_types():
    columns = [
        Column("名称", lambda r: r[0]),
        Column("身份证号", lambda r: r[1], kind="text"),
        Column("日期", lambda r: r[2], kind="date"),
        Column("数量", lambda r: r[3], kind="number"),
        Column("金额", lambda r: r[4]),
    ]
    rows = [("=1+1", "140525198805170019", dt.date(2026, 3, 1), 12, Decimal("3.5")), ("@SUM(A1)", None, None, 0, 1.25)]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_build(title="测试", columns=columns, rows=rows))).active
    assert [cell.value for cell in sheet[1]] == ["名称", "身份证号", "日期", "数量", "金额"]
    name, id_number, day, count, amount = sheet[2]
    assert (name.value, name.data_type) == ("'=1+1", "s")
    assert (id_number.value, id_number.data_type, id_number.number_format) == ("140525198805170019", "s", "@")
    assert day.is_date and day.value.date() == dt.date(2026, 3, 1)
    assert (count.value, count.data_type) == (12, "n")
    assert amount.data_type == "n"
    assert sheet["A3"].value == "'@SUM(A1)" and sheet["A3"].data_type == "s"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_control_characters_that_xml_cannot_hold_are_dropped():
    content = xlsx_build(title="t", columns=[Column("a", lambda r: r)], rows=["正常\x07文本"])
    assert openpyxl.load_workbook(io.BytesIO(content)).active["A2"].value == "正常文本"
