"""README.md and docs/: links lead somewhere, and the two commands stay at the top of the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO

README = REPO / "README.md"
PAGES = (README, *sorted((REPO / "docs").glob("*.md")))
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
EXTERNAL = ("http://", "https://", "mailto:")


def prose(path: Path) -> str:
    """The text outside code blocks and code spans, where a link is a link."""
    return CODE_SPAN.sub("", FENCE.sub("", path.read_text(encoding="utf-8")))


def relative_links(path: Path) -> list[str]:
    return [t for t in LINK.findall(prose(path)) if not t.startswith(EXTERNAL)]


def anchors(path: Path) -> set[str]:
    """Heading anchors as GitHub makes them, so a link to a section fails when it is renamed."""
    seen: dict[str, int] = {}
    found = set()
    for line in FENCE.sub("", path.read_text(encoding="utf-8")).splitlines():
        if not line.startswith("#"):
            continue
        title = line.lstrip("#").strip().lower()
        slug = re.sub(r"[^\w\- ]", "", title).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def test_the_readme_and_the_docs_pages_are_found_with_links() -> None:
    assert len(PAGES) > 1
    assert all(relative_links(page) for page in PAGES)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_relative_link_points_to_an_existing_file(page: Path) -> None:
    broken = []
    for target in relative_links(page):
        file, _, anchor = target.partition("#")
        destination = (page.parent / file).resolve() if file else page
        checks_anchor = bool(anchor) and destination.suffix == ".md"
        if not destination.is_file() or (checks_anchor and anchor not in anchors(destination)):
            broken.append(target)
    assert not broken, f"{page.name}: broken links {broken}"


def test_every_docs_page_is_linked_from_the_readme() -> None:
    linked = {(REPO / t.partition("#")[0]).resolve() for t in relative_links(README)}
    unlinked = [p.name for p in PAGES[1:] if p.resolve() not in linked]
    assert not unlinked, f"README.md does not link {unlinked}"


def readme_head() -> str:
    """The README up to its first section: the title, what onestop is, and the commands."""
    lines, fenced = [], False
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif line.startswith("## ") and not fenced:
            break
        lines.append(line)
    return "\n".join(lines)


def test_the_two_commands_come_before_the_first_section_of_the_readme() -> None:
    head = readme_head()
    assert head.startswith("# ")
    assert "make shell" in head
    assert "make test" in head


def test_the_settings_page_names_every_environment_variable() -> None:
    from bot.settings import Settings

    page = (REPO / "docs" / "settings.md").read_text(encoding="utf-8")
    names = [(field.alias or name).upper() for name, field in Settings.model_fields.items()]
    assert [n for n in names if f"`{n}`" not in page] == []
