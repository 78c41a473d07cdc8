"""The README and docs/ stand on their own: every link points at a file of this repository, and
nothing sends the reader outside it (a fresh clone has no ``../shared``)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_links_point_at_files_of_the_repository(page):
    broken = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue  # a web address (http://127.0.0.1:8000/…) or an anchor
        path = (page.parent / target.split("#", 1)[0]).resolve()
        if not path.is_relative_to(ROOT) or not path.exists():
            broken.append(target)
    assert not broken, f"{page.name} links to what the repository does not hold: {broken}"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_no_reference_leaves_the_repository(page):
    text = page.read_text(encoding="utf-8")
    assert "../" not in text, f"{page.name} refers to a path outside the repository"


@pytest.mark.parametrize("name", ["DOMAIN.md", "STYLE.md"])
def test_the_copied_specification_matches_the_original_where_it_is_at_hand(name):
    original = ROOT.parent / "shared" / name
    if not original.exists():
        pytest.skip(f"no {original} here (a clone on its own)")
    copy = (ROOT / "docs" / name).read_text(encoding="utf-8")
    assert copy.split("-->\n\n", 1)[1] == original.read_text(encoding="utf-8"), f"docs/{name} is out of date: copy it again"
