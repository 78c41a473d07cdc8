"""What users read is plain Chinese: no rule or decision codes (R11, D3 — they belong in code,
docs and test names) and full-width punctuation in Chinese sentences. Reads every translatable
string of the project's code (``_()``, ``gettext_lazy``…), the templates' translated text, and the
verbose names, help texts and choices of every model field. The page crawls
(tests/portal/test_crawl.py, tests/core/test_admin_round_trip.py) read the rendered pages."""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ["archives", "assessments", "core", "daily", "duties", "portal", "programs", "reports", "selection", "secondment"]
TRANSLATORS = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}

RULE_CODE = re.compile(r"(?<![A-Za-z0-9_])[RD]\d{1,2}(?![0-9])")
CJK = re.compile(r"[\u4e00-\u9fff]")
# Format placeholders and template variables are code, not punctuation.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifrx]|%[sdif%]|\{\{.*?\}\}|\{%.*?%\}|\{\w*\}|<![A-Z]+|&#?\w+;")


def chinese(text: str) -> bool:
    """A Chinese sentence, or one made only of placeholders ("%(object)s:%(error)s")."""
    if CJK.search(text):
        return True
    return bool(PLACEHOLDER.search(text)) and not re.search(r"[A-Za-z]", PLACEHOLDER.sub("", text))


def half_width_marks(text: str) -> list[str]:
    """Half-width , ; : ! ? ( ) in a Chinese sentence, each with its surroundings. Numbers keep
    theirs (1,000; 7:30; 1:2)."""
    if not chinese(text):
        return []
    bare = PLACEHOLDER.sub(lambda m: "\0" * len(m.group()), text)
    found = []
    for match in re.finditer(r"[,;:!?()]", bare):
        i, mark = match.start(), match.group()
        before, after = bare[i - 1: i], bare[i + 1: i + 2]
        if mark in ",:" and before.isdigit() and (after.isdigit() or text[i + 1: i + 2] == "%"):
            continue
        if mark == ":" and before.isdigit() and after.isalnum():  # a ratio: 1:N
            continue
        if mark in "!?" and not (CJK.search(before) or before in "”）\0"):
            continue
        found.append(text[max(0, i - 8): i + 9])
    return found


def translatable_strings():
    """(where, text) of every string literal handed to a translation function."""
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if name not in TRANSLATORS:
                    continue
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        yield f"{path.relative_to(ROOT)}:{arg.lineno}", arg.value


TEMPLATE_STRING = re.compile(r"""\{%\s*(?:translate|trans)\s+(["'])(.*?)\1""", re.S)
TEMPLATE_BLOCK = re.compile(r"\{%\s*blocktrans(?:late)?\b[^%]*%\}(.*?)\{%\s*endblocktrans(?:late)?\s*%\}", re.S)


def template_strings():
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for match in TEMPLATE_STRING.finditer(text):
            yield f"{path.relative_to(ROOT)}", match.group(2)
        for match in TEMPLATE_BLOCK.finditer(text):
            yield f"{path.relative_to(ROOT)}", match.group(1)


def all_strings():
    yield from translatable_strings()
    yield from template_strings()


def test_the_scan_reads_the_project():
    strings = list(all_strings())
    assert len(strings) > 1500
    assert any("只有挂职单位“%(unit)s”的审批人可以审批该请假。" == text for _where, text in strings)
    assert any("页面不存在" == text for _where, text in strings)


def test_no_rule_or_decision_codes_in_what_users_read():
    found = [f"{where}: {text}" for where, text in all_strings() if RULE_CODE.search(text)]
    assert not found, "\n".join(found)


def test_chinese_sentences_use_full_width_punctuation():
    found = [f"{where}: {mark}" for where, text in all_strings() for mark in half_width_marks(text)]
    assert not found, f"{len(found)} half-width marks:\n" + "\n".join(found)


@pytest.mark.parametrize("text,marks", [
    ("请假申请已提交(共 %(days)s 天),等待审批。", 3), ("状态:%(status)s;已校验", 2), ("按 1:%(ratio)d 确定", 0),
    ("1,000 行", 0), ("打印时间 7:30", 0), ("确定吗?", 1), ("<!DOCTYPE/<!ENTITY 不允许", 0), ("Excel file, (xlsx)", 0),
    ("请假申请已提交（共 %(days)s 天），等待审批。", 0), ("%(object)s:%(error)s", 1), ("(%(kind)s)", 2),
    ("认真&lt;script&gt;", 0), ("%(a)s %(b)s", 0),
])
def test_the_punctuation_check_finds_half_width_marks_only_in_chinese(text, marks):
    assert len(half_width_marks(text)) == marks


def test_model_fields_read_without_rule_codes():
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in APPS:
            continue
        for field in model._meta.get_fields():
            texts = [getattr(field, "verbose_name", ""), getattr(field, "help_text", "")]
            texts += [label for _value, label in getattr(field, "flatchoices", None) or []]
            found += [f"{model._meta.label}.{field.name}: {text}" for text in map(str, texts) if RULE_CODE.search(text)]
        found += [f"{model._meta.label}: {text}" for text in map(str, [model._meta.verbose_name, model._meta.verbose_name_plural])
                  if RULE_CODE.search(text)]
    assert not found, "\n".join(found)


def test_template_text_around_translated_text_uses_full_width_marks():
    """Marks written around template output ("3（按工作日计算）", "评阅意见：") belong to the Chinese sentence."""
    wrapped = re.compile(r"(?:\}\}|%\}|>)\((?:\{\{|\{%)|(?:\}\}|%\})\)|\{%\s*translate\s+\"[^\"]*\"\s*%\}[:,;]")
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = re.sub(r"\{% comment %\}.*?\{% endcomment %\}|\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)
        found += [f"{path.relative_to(ROOT)}: {text[max(0, m.start() - 20): m.end() + 20]}" for m in wrapped.finditer(text)]
    assert not found, "\n".join(found)
