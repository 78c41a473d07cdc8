"""Reading the State Council's yearly holiday notice (国务院办公厅关于XXXX年部分节假日安排的通知)
as staff paste it (D3): the days off with their festival, and the make-up working days (上班).

A pure function of the text. The wording changes from year to year — "放假调休", "补休", "与周末
连休", "不调休", "合并放假", weekdays written "星期一" or "周一", lunar dates in parentheses — so
the parser reads each numbered item ("二、春节:……") as sentences of dates: a range "1月28日至2月4日"
(or "至3日" within the month, or across the new year "12月31日至1月2日"), single dates, and the
word that says what they are (上班, or 放假/补休/休息). The weekday written beside a date is
checked against the calendar, which catches a wrong year or a mistyped day.
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .exceptions import HolidayNoticeError

HOLIDAY = "holiday"
WORKDAY = "workday"

_WEEKDAYS = "一二三四五六日"
_ITEM = re.compile(r"(?:^|(?<=[\s。]))([一二三四五六七八九十]{1,3})、\s*([\u4e00-\u9fff、]{1,30}?)\s*:")
_YEAR_PATTERNS = (
    re.compile(r"关于\s*(\d{4})\s*年\s*部分节假日"),
    re.compile(r"现将\s*(\d{4})\s*年"),
)
_DOCUMENT_NUMBER = re.compile(r"国办发(?:明电)?\s*[〔\[(]\s*\d{4}\s*[〕\])]\s*\d+\s*号")
_DATE = re.compile(
    r"(?:(?P<year>\d{4})\s*年\s*)?(?:(?P<month>\d{1,2})\s*月\s*)?(?P<day>\d{1,2})\s*日(?:\s*\((?P<note>[^()]*)\))?"
)
_RANGE_JOIN = re.compile(r"^\s*(?:至|到|-|~)\s*$")
_TOTAL = re.compile(r"共\s*(\d{1,2})\s*天")
_WEEKDAY_NOTE = re.compile(r"(?:星期|周)([一二三四五六日天])")
# Split a sentence after each word that says what its dates are, so "X放假,Y上班" is two parts.
_CLAUSE_END = re.compile(r"(?<=上班)|(?<=放假)|(?<=补休)|(?<=休息)|(?<=连休)|[,;]")
_OFF_WORDS = ("放假", "补休", "休息", "连休", "休假")


@dataclass(frozen=True)
class NoticeDay:
    date: dt.date
    kind: str  # HOLIDAY or WORKDAY (Holiday.Kind values)
    name: str


@dataclass(frozen=True)
class ParsedNotice:
    year: int
    document_number: str
    days: tuple[NoticeDay, ...]

    @property
    def holidays(self) -> list[NoticeDay]:
        return [day for day in self.days if day.kind == HOLIDAY]

    @property
    def workdays(self) -> list[NoticeDay]:
        return [day for day in self.days if day.kind == WORKDAY]


def _normalise(text: str) -> str:
    # Full-width digits, colons, commas and parentheses become ASCII; 、〔〕 stay.
    text = unicodedata.normalize("NFKC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    # A comma inside an annotation "(农历除夕,周二)" must not end a clause.
    return re.sub(r"\([^()\n]*\)", lambda m: m.group(0).replace(",", "、").replace(";", "、"), text)


def _day_label(day: dt.date) -> str:
    return _("%(month)d月%(day)d日") % {"month": day.month, "day": day.day}


def _notice_year(text: str) -> int:
    years = []
    for pattern in _YEAR_PATTERNS:
        years += [int(match) for match in pattern.findall(text)]
    if not years:
        raise HolidayNoticeError(
            _("未找到通知所属的年份：请连同标题“国务院办公厅关于××××年部分节假日安排的通知”一起粘贴。")
        )
    if len(set(years)) > 1:
        raise HolidayNoticeError(
            _("通知中出现了不同的年份（%(years)s），无法确定是哪一年的安排。")
            % {"years": "、".join(str(year) for year in sorted(set(years)))}
        )
    return years[0]


def _items(text: str) -> list[tuple[str, str]]:
    """The numbered items as (heading, body), each body cut where its dated sentences end."""
    matches = list(_ITEM.finditer(text))
    items = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        sentences = []
        for sentence in re.split(r"[。\n]", text[match.end():end]):
            if not sentence.strip():
                continue
            if not _DATE.search(sentence):
                break  # "节假日期间,各地区……": the closing paragraph, not the item
            sentences.append(sentence)
        items.append((match.group(2), sentences))
    return items


class _ItemReader:
    """Reads the sentences of one item into dates, for the notice of ``year``."""

    def __init__(self, year: int, heading: str):
        self.year = year
        self.heading = heading
        self.name = heading[:20]
        # Only 元旦 reaches back into December of the year before.
        self.new_year = heading.split("、")[0] == "元旦"

    def error(self, message: str, **values) -> HolidayNoticeError:
        return HolidayNoticeError(_("“%(item)s”一项：%(message)s") % {"item": self.heading, "message": message % values})

    def _date(self, match, *, month: int | None, year: int | None) -> dt.date:
        month = int(match["month"]) if match["month"] else month
        if month is None:
            raise self.error(_("“%(text)s”缺少月份。"), text=match.group(0))
        if match["year"]:
            year = int(match["year"])
        elif year is None:
            year = self.year - 1 if (self.new_year and month == 12) else self.year
        try:
            day = dt.date(year, month, int(match["day"]))
        except ValueError:
            raise self.error(_("“%(text)s”不是有效的日期。"), text=match.group(0)) from None
        note = _WEEKDAY_NOTE.search(match["note"] or "")
        if note:
            written = _WEEKDAYS.index("日" if note.group(1) == "天" else note.group(1))
            if written != day.weekday():
                raise self.error(
                    _("%(day)s 标注为“%(written)s”，但%(year)d年%(day)s是星期%(actual)s。请核对年份和日期。"),
                    day=_day_label(day), written=note.group(0), year=day.year, actual=_WEEKDAYS[day.weekday()],
                )
        return day

    def clause_dates(self, clause: str) -> list[dt.date]:
        """The dates of a clause, ranges expanded."""
        dates: list[dt.date] = []
        previous = None  # (match, date) of the last single date, a range may start there
        for match in _DATE.finditer(clause):
            joined = previous is not None and _RANGE_JOIN.match(clause[previous[0].end():match.start()])
            if joined:
                start = previous[1]
                end_year = None
                if not match["year"] and match["month"] and int(match["month"]) < start.month:
                    end_year = start.year + 1  # 12月31日至1月2日
                end = self._date(match, month=start.month, year=end_year)
                if end <= start:
                    raise self.error(_("“%(text)s”的结束日期不在开始日期之后。"), text=clause.strip())
                if (end - start).days > 15:
                    raise self.error(_("“%(text)s”跨度超过半个月，不像节假日安排。"), text=clause.strip())
                dates += [start + dt.timedelta(days=n) for n in range(1, (end - start).days + 1)]
                previous = None
                continue
            month = previous[1].month if previous and not match["month"] else None
            day = self._date(match, month=month, year=previous[1].year if previous and not match["month"] else None)
            if not match["month"] and not previous:
                raise self.error(_("“%(text)s”缺少月份。"), text=match.group(0))
            dates.append(day)
            previous = (match, day)
        return dates

    def read(self, sentences: list[str]) -> tuple[list[dt.date], list[dt.date]]:
        days_off: list[dt.date] = []
        workdays: list[dt.date] = []
        for sentence in sentences:
            sentence_off: list[dt.date] = []
            for clause in _CLAUSE_END.split(sentence):
                dates = self.clause_dates(clause)
                if not dates:
                    continue
                if "上班" in clause:
                    workdays += dates
                elif any(word in clause for word in _OFF_WORDS):
                    sentence_off += dates
                else:
                    raise self.error(_("无法判断“%(text)s”是放假还是上班。"), text=clause.strip())
            total = _TOTAL.search(sentence)
            if total and sentence_off and int(total.group(1)) != len(set(sentence_off)):
                raise self.error(
                    _("通知写明共 %(total)s 天，但读出的放假日期是 %(count)d 天（%(first)s 至 %(last)s）。"),
                    total=total.group(1), count=len(set(sentence_off)),
                    first=_day_label(min(sentence_off)), last=_day_label(max(sentence_off)),
                )
            days_off += sentence_off
        return days_off, workdays


def notice_parse(text: str) -> ParsedNotice:
    """The days off and make-up working days of a pasted notice, or ``HolidayNoticeError`` saying
    in Chinese what is wrong: not a notice, no year, or a date that cannot be right."""
    text = _normalise(text)
    if not text.strip():
        raise HolidayNoticeError(_("请粘贴国务院办公厅关于节假日安排的通知全文。"))
    items = _items(text)
    if not items or "节假日" not in text:
        raise HolidayNoticeError(
            _("粘贴的内容不是国务院办公厅关于节假日安排的通知：未找到“一、元旦：……”这样逐项列出的放假安排。")
        )
    year = _notice_year(text)
    kinds: dict[dt.date, NoticeDay] = {}
    for heading, sentences in items:
        reader = _ItemReader(year, heading)
        days_off, workdays = reader.read(sentences)
        if not days_off:
            raise reader.error(_("没有读出放假日期。"))
        for kind, dates in ((HOLIDAY, days_off), (WORKDAY, workdays)):
            for day in dates:
                if not (dt.date(year - 1, 12, 1) <= day <= dt.date(year, 12, 31)):
                    raise reader.error(_("%(day)s 不在 %(year)d 年内。"), day=day.isoformat(), year=year)
                if kind == WORKDAY and day.weekday() < 5:
                    raise reader.error(
                        _("%(day)s 是星期%(weekday)s，本来就是工作日，却列为调休上班。请核对粘贴的内容。"),
                        day=_day_label(day), weekday=_WEEKDAYS[day.weekday()],
                    )
                known = kinds.get(day)
                if known and known.kind != kind:
                    raise reader.error(_("%(day)s 既是放假又是上班。"), day=_day_label(day))
                kinds.setdefault(day, NoticeDay(day, kind, reader.name))
    document = _DOCUMENT_NUMBER.search(text)
    return ParsedNotice(
        year=year,
        document_number=re.sub(r"\s+", "", document.group(0)) if document else "",
        days=tuple(sorted(kinds.values(), key=lambda entry: entry.date)),
    )
