"""What a user reads on a page, and the checks the page crawls run on it: no rule or decision
codes, no login names where a person is meant, days written without a trailing ".0"."""

import re
from html.parser import HTMLParser

# R1–R25 and D1–D9 as the specification writes them, standing alone ("审批路径(R11)", "见R25").
RULE_CODE = re.compile(r"(?<![A-Za-z0-9_])[RD]\d{1,2}(?![0-9])")
# "21.0 天", "3.0天": a whole number of days printed with its decimal place.
DAYS_WITH_ZERO = re.compile(r"(?<![\d.])\d+\.0\s*天")
# Text in these attributes is read too (tooltips, screen readers, empty fields).
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self.parts.append(value)
        if tag == "input" and dict(attrs).get("type") in ("submit", "button") and dict(attrs).get("value"):
            self.parts.append(dict(attrs)["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def rule_codes(text: str) -> list[str]:
    return [line for line in text.splitlines() if RULE_CODE.search(line)]


def login_names(text: str, usernames) -> list[str]:
    """Lines showing one of ``usernames`` as a word of its own."""
    pattern = re.compile(r"(?<![A-Za-z0-9_@.-])(" + "|".join(map(re.escape, usernames)) + r")(?![A-Za-z0-9_-])")
    return [line for line in text.splitlines() if pattern.search(line)]


def days_with_zero(text: str) -> list[str]:
    return [line for line in text.splitlines() if DAYS_WITH_ZERO.search(line)]


def text_problems(html: str, usernames=()) -> list[str]:
    """Everything on the page a user should not read, as "kind: line"."""
    text = visible_text(html)
    problems = [f"rule code: {line}" for line in rule_codes(text)]
    problems += [f"login name: {line}" for line in login_names(text, usernames)] if usernames else []
    problems += [f"days: {line}" for line in days_with_zero(text)]
    return problems
