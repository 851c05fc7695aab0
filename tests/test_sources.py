"""The project's files stand alone: they cite public sources (docs/sources.md), never files outside it.

A reference to a private note, a working file next to the repository or a tracker item means nothing to a
reader of the package, so none may appear in the code, docs, tests or benchmarks; and every numbered
citation of docs/sources.md names an entry that exists there.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCANNED = [ROOT / "csxl", ROOT / "docs", ROOT / "tests", ROOT / "benchmarks", ROOT / "README.md"]
SOURCES = ROOT / "docs" / "sources.md"

# Built from pieces so that this file does not match its own patterns.
FORBIDDEN = re.compile("|".join([
    r"\bseeds?[ -]0",                    # a source material file named by its number
    "seed" + r"\s+articles?", r"\bthe\s+" + "seeds" + r"\b",  # the source material as a whole
    "DOMAIN" + r"\.md", "DESIGN" + r"\.md",
    r"\.\./" + "shared",
    r"\bissues?" + r"\s+#?\d+",           # a tracker item
]), re.IGNORECASE)

ENTRY = re.compile(r"^- \*\*\[(\d+)\]\*\* ", re.MULTILINE)
# "[3] in docs/sources.md" in code and comments (any "[n]" on such a line), "[[3]](sources.md)" in the docs.
CODE_CITATION_LINE = re.compile(r"^.*\bdocs/sources\.md.*$", re.MULTILINE)
NUMBER = re.compile(r"\[(\d+)\]")
DOCS_CITATION = re.compile(r"\[\[(\d+)\]\]\((?:\.\./)?(?:docs/)?sources\.md\)")


def text_files():
    """Every text file of the scanned folders (binary files, such as the shipped templates, are skipped)."""
    for top in SCANNED:
        for path in [top] if top.is_file() else sorted(top.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                try:
                    yield path, path.read_text(encoding="utf-8")
                except UnicodeDecodeError:
                    continue


def forbidden_references(text: str) -> list[str]:
    return [m.group(0) for m in FORBIDDEN.finditer(text)]


def citations(text: str) -> set[int]:
    numbers = {int(n) for line in CODE_CITATION_LINE.findall(text) for n in NUMBER.findall(line)}
    return numbers | {int(n) for n in DOCS_CITATION.findall(text)}


def entries() -> list[int]:
    return [int(n) for n in ENTRY.findall(SOURCES.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("text, found", [
    ("see " + "seed" + " 004, section 7", ["seed" + " 0"]),
    ("Seed" + "-000's argument", ["Seed" + "-0"]),
    ("the " + "seed" + " articles' health score", ["seed" + " articles"]),
    ("seeds" + " 002 and 004; like the" + " seeds", ["seeds" + " 0", "the" + " seeds"]),
    ("as " + "DOMAIN" + ".md reads", ["DOMAIN" + ".md"]),
    ("conventions of " + "DESIGN" + ".md", ["DESIGN" + ".md"]),
    ("follow ../" + "shared/x", ["../" + "shared"]),
    ("(" + "issue" + " 5 defaults)", ["issue" + " 5"]),
    ("Issues" + " #12 and 13", ["Issues" + " #12"]),
    ("default_rng(seed=11), seed: int = 7, a seeded generator", []),
    ("ISSUE_FUNCTIONS, the issue tracker", []),
])
def test_the_patterns_catch_references_and_spare_random_seeds(text, found):
    assert forbidden_references(text) == found


def test_no_file_cites_material_outside_the_repository():
    found = {str(path.relative_to(ROOT)): refs for path, text in text_files() if (refs := forbidden_references(text))}
    assert found == {}, "cite a public source of docs/sources.md instead"


def test_sources_are_numbered_from_one_without_gaps():
    numbers = entries()
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) >= 15


def test_every_citation_names_an_entry():
    known = set(entries())
    cited = {str(path.relative_to(ROOT)): sorted(numbers - known) for path, text in text_files()
             if (numbers := citations(text)) - known}
    assert cited == {}, "cite only entries of docs/sources.md"


def test_citation_forms_are_recognised():
    assert citations("Source: [15] in docs/sources.md, section 7 ([11], [1] too)") == {15, 11, 1}
    assert citations("see [[13]](sources.md)'s rule and [[2]](../docs/sources.md)") == {13, 2}
    assert citations("x[0] and [3] in a line that cites nothing") == set()


def test_the_sources_are_cited():
    cited = set().union(*(citations(text) for path, text in text_files() if path != SOURCES))
    assert {1, 6, 9, 10, 11, 13, 15} <= cited
