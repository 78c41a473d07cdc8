"""Date formats for Simplified Chinese that accept what Chinese users type.

Django's own zh-hans input formats contain ``'%Y年%n月%j日'``; ``strptime`` has no ``%n``
or ``%j`` in that meaning, so forms refuse "2016年9月5日". ``%m`` and ``%d`` accept one
or two digits, so these cover 2016-09-05, 2016/9/5, 2016年9月5日 and 2016.09.05.
The first input format is the one the admin's calendar widget writes.
"""

DATE_FORMAT = "Y年n月j日"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y年n月j日 H:i"
YEAR_MONTH_FORMAT = "Y年n月"
MONTH_DAY_FORMAT = "n月j日"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2016-09-05
    "%Y/%m/%d",  # 2016/9/5
    "%Y年%m月%d日",  # 2016年9月5日
    "%Y.%m.%d",  # 2016.09.05
    "%Y%m%d",  # 20160905
]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M:%S.%f", "%H:%M", "%H时%M分"]
DATETIME_INPUT_FORMATS = [
    f"{date} {time}"
    for date in DATE_INPUT_FORMATS[:4]
    for time in ("%H:%M:%S", "%H:%M:%S.%f", "%H:%M")
] + [f"{date}%H时%M分" for date in ("%Y年%m月%d日",)] + DATE_INPUT_FORMATS[:4]

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 4
