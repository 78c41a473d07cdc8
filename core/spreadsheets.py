"""Spreadsheets in and out, safely: hostile-file checks before a parser sees the bytes, a
reader with a row limit that remembers each row's number in the sheet, and an .xlsx writer
in which no cell can run a formula.

Uploads are refused, with a Chinese message saying why, when they are:
- of the wrong type: the extension must be .xlsx or .csv (``.xlsm``/``.xls`` are refused by
  name, macros being the point of them) *and* the content must match it — an .xlsx is a zip
  holding ``[Content_Types].xml``; a .csv decodes as UTF-8 (with or without BOM) or GB18030
  and holds no NUL bytes;
- over ``SPREADSHEET_MAX_UPLOAD_BYTES``;
- zip bombs: the zip directory is read before anything is decompressed — member count,
  total uncompressed size and each member's compression ratio have limits;
- XML entity tricks: every XML part's prolog is scanned for ``<!DOCTYPE``/``<!ENTITY`` and
  refused, so no entity can even be declared; only then is the sheet parsed (by our own
  streaming reader on the C expat parser, five times faster than openpyxl's; openpyxl, used
  for writing, parses through defusedxml when it reads);
- carrying a VBA project (a macro workbook renamed to .xlsx);
- longer than the row limit (``SPREADSHEET_IMPORT_MAX_ROWS`` for a web request,
  ``SPREADSHEET_IMPORT_JOB_MAX_ROWS`` for a background import).

Export: ``xlsx_build`` writes text cells that start with ``= + - @``, a tab or a carriage
return with a leading apostrophe ``'`` (the OWASP CSV-injection advice), so the text shows
as typed and never becomes a formula, while dates stay date cells and numbers stay numbers.
"""

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

import tablib
from django.conf import settings
from django.utils.translation import gettext as _
from import_export.formats.base_formats import XLSX

from .exceptions import ApplicationError

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"
_XML_DANGER = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
# Characters XML 1.0 cannot hold; openpyxl refuses to write them.
_ILLEGAL_XML_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MACRO_EXTENSIONS = {".xlsm", ".xltm", ".xlsb", ".xla", ".xlam"}
LEGACY_EXTENSIONS = {".xls", ".et", ".ods"}


class SpreadsheetRefused(ApplicationError):
    """An uploaded file that is not a spreadsheet we are willing to read."""


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


# --- checks ----------------------------------------------------------------------------------


def spreadsheet_check(*, name: str, data: bytes, allowed: tuple[str, ...] = ("xlsx", "csv")) -> str:
    """Check an upload before any parser opens it. Returns its kind (``"xlsx"`` or ``"csv"``);
    raises ``SpreadsheetRefused`` with the reason."""
    max_bytes = _limit("SPREADSHEET_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
    if len(data) > max_bytes:
        raise SpreadsheetRefused(
            _("文件大小 %(size).1f MB，超过上限 %(limit).1f MB。")
            % {"size": len(data) / 1024 / 1024, "limit": max_bytes / 1024 / 1024}
        )
    if not data:
        raise SpreadsheetRefused(_("文件是空的。"))
    extension = PurePath(name or "").suffix.lower()
    if extension in MACRO_EXTENSIONS:
        raise SpreadsheetRefused(_("不接受含宏的工作簿（%(ext)s），请另存为 .xlsx 后上传。") % {"ext": extension})
    if extension in LEGACY_EXTENSIONS:
        raise SpreadsheetRefused(_("不接受 %(ext)s 格式，请在 Excel 中另存为 .xlsx 后上传。") % {"ext": extension})
    kind = extension.lstrip(".")
    if kind not in allowed:
        raise SpreadsheetRefused(
            _("文件类型“%(ext)s”不受支持，请上传 %(allowed)s 文件。")
            % {"ext": extension or _("无扩展名"), "allowed": "、".join(f".{item}" for item in allowed)}
        )
    if kind == "xlsx":
        xlsx_check(data)
    else:
        csv_decode(data)
    return kind


def xlsx_check(data: bytes) -> None:
    """An .xlsx is a zip with ``[Content_Types].xml``; refuse bombs, DTDs and macros."""
    if not data.startswith(b"PK\x03\x04"):
        raise SpreadsheetRefused(_("文件扩展名为 .xlsx，但内容不是 Excel 工作簿，请确认文件未被改名。"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise SpreadsheetRefused(_("Excel 工作簿已损坏，无法读取。")) from None
    max_members = _limit("SPREADSHEET_MAX_ZIP_MEMBERS", 1000)
    max_total = _limit("SPREADSHEET_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024)
    max_ratio = _limit("SPREADSHEET_MAX_COMPRESSION_RATIO", 200)
    if len(members) > max_members:
        raise SpreadsheetRefused(_("工作簿包含 %(count)d 个内部文件，超过上限 %(limit)d，疑为恶意文件。")
                                 % {"count": len(members), "limit": max_members})
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names:
        raise SpreadsheetRefused(_("文件扩展名为 .xlsx，但内容不是 Excel 工作簿，请确认文件未被改名。"))
    total = sum(member.file_size for member in members)
    if total > max_total:
        raise SpreadsheetRefused(
            _("工作簿解压后达 %(size)d MB，超过上限 %(limit)d MB，疑为压缩炸弹。")
            % {"size": total // (1024 * 1024), "limit": max_total // (1024 * 1024)}
        )
    for member in members:
        if member.flag_bits & 0x1:
            raise SpreadsheetRefused(_("工作簿已加密，请取消密码保护后上传。"))
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > max_ratio:
            raise SpreadsheetRefused(
                _("工作簿中的“%(name)s”压缩比达 %(ratio)d 倍，超过上限 %(limit)d 倍，疑为压缩炸弹。")
                % {"name": member.filename, "ratio": ratio, "limit": max_ratio}
            )
        lowered = member.filename.lower()
        if lowered.endswith("vbaproject.bin") or lowered.endswith(".bin") and "vba" in lowered:
            raise SpreadsheetRefused(_("工作簿含有宏（VBA），不予接受，请另存为不含宏的 .xlsx 后上传。"))
    content_types = archive.read("[Content_Types].xml")
    if b"macroEnabled" in content_types or b"vbaProject" in content_types:
        raise SpreadsheetRefused(_("工作簿含有宏（VBA），不予接受，请另存为不含宏的 .xlsx 后上传。"))
    for member in members:
        if member.filename.lower().endswith((".xml", ".rels", ".vml")):
            with archive.open(member) as stream:
                head = stream.read(64 * 1024)
            if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                head = head.decode("utf-16", errors="ignore").encode("utf-8")
            # A DTD can only stand in the prolog, before the root element: the head is enough.
            if _XML_DANGER.search(head):
                raise SpreadsheetRefused(
                    _("工作簿中的“%(name)s”含有 DTD 或实体声明（<!DOCTYPE/<!ENTITY），疑为恶意文件，不予读取。")
                    % {"name": member.filename}
                )


def csv_decode(data: bytes) -> str:
    """CSV text: UTF-8 (a BOM is dropped) or GB18030, as Chinese Excel saves it. No NUL bytes."""
    if b"\x00" in data[: 64 * 1024]:
        raise SpreadsheetRefused(_("文件扩展名为 .csv，但内容不是文本，请确认文件未被改名。"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetRefused(_("无法识别 CSV 文件的编码，请另存为“CSV UTF-8”格式后上传。"))


# --- reading ---------------------------------------------------------------------------------


def _header(value) -> str:
    # Template headers may carry a required-marker ("姓名*") and stray spaces.
    return str(value or "").strip().rstrip("*").strip()


def _blank(values) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _dataset(rows, *, max_rows: int) -> tablib.Dataset:
    """A dataset of the non-blank rows of ``rows`` — ``(sheet row number, values)`` pairs, the
    header first; ``dataset.row_numbers[i]`` is row i's number in the sheet."""
    dataset = tablib.Dataset()
    iterator = iter(rows)
    try:
        _number, headers = next(iterator)
    except StopIteration:
        raise SpreadsheetRefused(_("文件中没有数据。")) from None
    headers = [_header(value) for value in headers]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise SpreadsheetRefused(_("第 1 行应为表头（列名），现为空。"))
    width = len(headers)
    dataset.headers = headers
    numbers = []
    for number, values in iterator:
        values = list(values)[:width]
        if _blank(values):
            continue
        if len(numbers) >= max_rows:
            raise SpreadsheetRefused(
                _("文件超过 %(limit)d 行数据，超出本次导入的上限。") % {"limit": max_rows},
                extra={"code": "too_many_rows", "limit": max_rows},
            )
        values += [None] * (width - len(values))
        dataset.append(values)
        numbers.append(number)
    dataset.row_numbers = numbers
    return dataset


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Built-in number formats that are dates: the international ones and those Chinese (zh-CN)
# Excel uses, e.g. 31 = "yyyy年m月d日", 57/58 = "yyyy年m月" / "m月d日".
_DATE_FORMAT_IDS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47, *range(27, 37), *range(50, 59)})


_COLUMN_INDEX: dict[str, int] = {}


def _column_index(letters: str) -> int:
    index = _COLUMN_INDEX.get(letters)
    if index is None:
        index = 0
        for letter in letters:
            index = index * 26 + ord(letter) - 64
        index = _COLUMN_INDEX[letters] = index - 1
    return index


def _xml_text(element) -> str:
    """The text of a shared or inline string: its <t>, or its rich-text runs' <t>s; phonetic
    guides (<rPh>) are not part of the value."""
    direct = element.find(f"{_MAIN}t")
    if direct is not None:
        return direct.text or ""
    return "".join((run.findtext(f"{_MAIN}t") or "") for run in element.iterfind(f"{_MAIN}r"))


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    from xml.etree.ElementTree import fromstring

    workbook = fromstring(archive.read("xl/workbook.xml"))
    sheet = workbook.find(f"{_MAIN}sheets/{_MAIN}sheet")
    if sheet is None:
        raise SpreadsheetRefused(_("工作簿中没有工作表。"))
    relation_id = sheet.get(f"{_REL}id")
    relations = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for relation in relations.iter(f"{_PKG_REL}Relationship"):
        if relation.get("Id") == relation_id:
            target = relation.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise SpreadsheetRefused(_("工作簿结构有误，找不到第一个工作表。"))


def _date_styles(archive: zipfile.ZipFile) -> list[bool]:
    from openpyxl.styles.numbers import is_date_format
    from xml.etree.ElementTree import fromstring

    if "xl/styles.xml" not in archive.namelist():
        return []
    styles = fromstring(archive.read("xl/styles.xml"))
    custom = {int(fmt.get("numFmtId")): fmt.get("formatCode", "") for fmt in styles.iter(f"{_MAIN}numFmt")}
    result = []
    cell_xfs = styles.find(f"{_MAIN}cellXfs")
    for xf in cell_xfs.iterfind(f"{_MAIN}xf") if cell_xfs is not None else []:
        fmt_id = int(xf.get("numFmtId", "0"))
        result.append(fmt_id in _DATE_FORMAT_IDS or (fmt_id in custom and is_date_format(custom[fmt_id])))
    return result


def _xlsx_rows(archive: zipfile.ZipFile):
    """``(row number, values)`` of the first sheet, parsed with the C expat parser.

    Faster than openpyxl's reader by a factor of about five; safe because ``xlsx_check`` has
    refused any DTD (so no entity can be declared, let alone expanded) before we get here."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.datetime import from_excel

    shared: list[str] = []
    if "xl/sharedStrings.xml" in archive.namelist():
        with archive.open("xl/sharedStrings.xml") as stream:
            for _event, element in iterparse(stream):
                if element.tag == f"{_MAIN}si":
                    shared.append(_xml_text(element))
                    element.clear()
    date_styles = _date_styles(archive)
    cell_tag, row_tag, value_tag, inline_tag = f"{_MAIN}c", f"{_MAIN}row", f"{_MAIN}v", f"{_MAIN}is"
    with archive.open(_first_sheet_path(archive)) as stream:
        position = 0
        for _event, element in iterparse(stream):
            if element.tag != row_tag:
                continue
            position = int(element.get("r") or position + 1)
            values: list = []
            for cell in element.iterfind(cell_tag):
                ref = cell.get("r")
                column = _column_index(ref.rstrip("0123456789")) if ref else len(values)
                kind = cell.get("t", "n")
                raw = cell.findtext(value_tag)
                if kind == "inlineStr":
                    inline = cell.find(inline_tag)
                    value = _xml_text(inline) if inline is not None else None
                elif raw is None:
                    value = None
                elif kind == "s":
                    value = shared[int(raw)]
                elif kind == "b":
                    value = raw == "1"
                elif kind in ("str", "e"):
                    value = raw
                elif kind == "d":
                    value = dt.datetime.fromisoformat(raw)
                else:
                    number = float(raw) if any(char in raw for char in ".eE") else int(raw)
                    style = int(cell.get("s", "0"))
                    if style < len(date_styles) and date_styles[style]:
                        value = from_excel(number)
                    else:
                        value = number
                if column >= len(values):
                    values.extend([None] * (column - len(values) + 1))
                values[column] = value
            element.clear()
            yield position, values


def xlsx_read(data: bytes, *, max_rows: int) -> tablib.Dataset:
    """The first sheet of a checked workbook; cell values as openpyxl would give them (str,
    int, float, bool, datetime for date-formatted cells) — the import widgets decide what
    each means."""
    xlsx_check(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        return _dataset(_xlsx_rows(archive), max_rows=max_rows)
    except SpreadsheetRefused:
        raise
    except Exception:
        raise SpreadsheetRefused(_("Excel 工作簿已损坏，无法读取。")) from None


def csv_read(data: bytes, *, max_rows: int) -> tablib.Dataset:
    text = csv_decode(data)
    try:
        return _dataset(enumerate(csv.reader(io.StringIO(text, newline="")), start=1), max_rows=max_rows)
    except csv.Error as exc:
        raise SpreadsheetRefused(_("CSV 文件格式有误：%(error)s") % {"error": exc}) from None


def spreadsheet_read(*, name: str, data: bytes, max_rows: int | None = None) -> tablib.Dataset:
    """Check and read an upload; the web row limit unless ``max_rows`` says otherwise."""
    kind = spreadsheet_check(name=name, data=data)
    max_rows = max_rows or _limit("SPREADSHEET_IMPORT_MAX_ROWS", 20000)
    return xlsx_read(data, max_rows=max_rows) if kind == "xlsx" else csv_read(data, max_rows=max_rows)


class SafeSpreadsheet(XLSX):
    """The one import format the admin offers: .xlsx or .csv, told apart by content (the
    upload form has already matched content against the extension)."""

    max_rows_setting = "SPREADSHEET_IMPORT_MAX_ROWS"

    def get_title(self):
        return "xlsx / csv"

    def get_extension(self):
        return "xlsx"

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream):
        if isinstance(in_stream, str):
            in_stream = in_stream.encode("utf-8")
        max_rows = _limit(self.max_rows_setting, 20000)
        if in_stream.startswith(b"PK\x03\x04"):
            return xlsx_read(in_stream, max_rows=max_rows)
        return csv_read(in_stream, max_rows=max_rows)


# --- writing ---------------------------------------------------------------------------------


def cell_neutralise(value: str) -> str:
    """Text that a spreadsheet could take for a formula gets a leading apostrophe."""
    value = _ILLEGAL_XML_CHARS.sub("", value)
    if value.startswith(FORMULA_TRIGGERS):
        return NEUTRALISER + value
    return value


@dataclass(frozen=True)
class Column:
    """One column of an export: its Chinese header, how to read a row, and its kind.

    ``kind``: ``"text"`` (always a text cell, e.g. ID numbers and phone numbers), ``"date"``,
    ``"number"`` or ``"auto"`` (by the value's type).
    """

    header: str
    value: object  # callable(row) -> value
    kind: str = "auto"
    width: int = 14


DATE_FORMAT = "yyyy-mm-dd"


def _cell(sheet, value, kind: str):
    from openpyxl.cell import WriteOnlyCell

    if value is None or value == "":
        cell = WriteOnlyCell(sheet, value=None)
        if kind == "text":
            cell.number_format = "@"
        return cell
    if kind == "text" or (kind == "auto" and isinstance(value, str)):
        cell = WriteOnlyCell(sheet, value=cell_neutralise(str(value)))
        cell.data_type = "s"  # never "f", whatever openpyxl would guess
        cell.number_format = "@"
        return cell
    if isinstance(value, bool):
        return WriteOnlyCell(sheet, value=_("是") if value else _("否"))
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            from django.utils import timezone

            value = timezone.localtime(value).replace(tzinfo=None)
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, (int, float, Decimal)):
        return WriteOnlyCell(sheet, value=value)
    cell = WriteOnlyCell(sheet, value=cell_neutralise(str(value)))
    cell.data_type = "s"
    return cell


def xlsx_build(*, title: str, columns: list[Column], rows, example_rows: int = 0) -> bytes:
    """A one-sheet workbook: a bold header row, then one line per row. Streams (write-only),
    so a large export does not hold every cell in memory."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet1")
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
        if column.kind == "text":
            # Cells typed into the column later stay text too (ID numbers!).
            sheet.column_dimensions[get_column_letter(index)].number_format = "@"
    sheet.freeze_panes = "A2"
    header_cells = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=cell_neutralise(str(column.header)))
        cell.font = Font(bold=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_cell(sheet, column.value(row), column.kind) for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(*, filename: str, content: bytes):
    from urllib.parse import quote

    from django.http import HttpResponse

    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response
