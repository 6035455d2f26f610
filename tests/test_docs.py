"""The documentation site: its code runs, and it builds strictly, offline.

This is where ``make test`` builds the docs (``make docs`` is the standalone
build): the site is built once per test session with ``mkdocs build --strict``
into a temporary directory, and the tests below read the build log and the
pages. An exception in a tutorial's code, a broken link or anchor, an
unresolved cross-reference or a docstring that disagrees with its signature
each show up as a WARNING in the log, and fail here.

Every ```python block in docs/ must run at build time (markdown-exec's
``exec="on"``). A block that is deliberately not run, a sketch, is marked by
the HTML comment ``<!-- sketch -->`` on the last non-blank line before its
opening fence.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import minnet

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SKETCH_MARKER = "<!-- sketch -->"
PYTHON_LANGUAGES = {"python", "py", "python3"}
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
# markdown-exec reads exec="..." as true unless it is one of these.
FALSE_VALUES = {"", "no", "off", "false", "0"}


@dataclass
class Block:
    """One fenced code block of a Markdown file."""

    path: str
    line: int  # 1-based line of the opening fence
    language: str
    info: str
    previous: str  # the last non-blank line before the fence


def fenced_blocks(text: str, path: str = "<text>") -> Iterator[Block]:
    """Yield the top-level fenced blocks of ``text``.

    A fence closes only with the same character repeated at least as many
    times, so a ````markdown block can show a ```python block inside it
    without that inner block counting.
    """
    lines = text.splitlines()
    previous = ""
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if not match or (match["fence"][0] == "`" and "`" in match["info"]):
            if lines[index].strip():
                previous = lines[index].strip()
            index += 1
            continue
        fence, info = match["fence"], match["info"].strip()
        language = info.split(maxsplit=1)[0].lstrip("{.").lower() if info else ""
        yield Block(path, index + 1, language, info, previous)
        index += 1
        while index < len(lines):
            closing = FENCE.match(lines[index])
            if (
                closing
                and closing["fence"][0] == fence[0]
                and len(closing["fence"]) >= len(fence)
                and not closing["info"].strip()
            ):
                break
            index += 1
        index += 1
        previous = ""


def runs_at_build_time(block: Block) -> bool:
    match = re.search(r"""\bexec=(?:"([^"]*)"|'([^']*)'|(\S+))""", block.info)
    if not match:
        return False
    value = next(group for group in match.groups() if group is not None)
    return value.lower() not in FALSE_VALUES


def unexecuted_python_blocks(text: str, path: str = "<text>") -> list[Block]:
    """The Python blocks of ``text`` that neither run nor are marked as sketches."""
    return [
        block
        for block in fenced_blocks(text, path)
        if block.language in PYTHON_LANGUAGES
        and not runs_at_build_time(block)
        and block.previous != SKETCH_MARKER
    ]


# -- every Python block runs, unless it is marked as a sketch ------------------


def test_every_python_block_in_the_docs_runs_or_is_marked_as_a_sketch() -> None:
    offenders = [
        block
        for path in sorted(DOCS.rglob("*.md"))
        for block in unexecuted_python_blocks(path.read_text(), str(path.relative_to(ROOT)))
    ]
    assert not offenders, "\n".join(
        f'{b.path}:{b.line}: ```{b.info} does not run at build time. Add exec="on" '
        f'(with source="above" so the reader sees the code), or mark it as a sketch '
        f"with {SKETCH_MARKER} on the line before the fence."
        for b in offenders
    )


def test_the_block_checker_catches_a_block_that_does_not_run() -> None:
    text = "Intro\n\n```python\nprint(1)\n```\n"
    assert [b.line for b in unexecuted_python_blocks(text)] == [3]


def test_the_block_checker_accepts_running_blocks_and_marked_sketches() -> None:
    text = (
        '```python exec="on" source="above"\nprint(1)\n```\n\n'
        "```py exec=1\nprint(2)\n```\n\n"
        f"{SKETCH_MARKER}\n```python\nnot run\n```\n\n"
        "```sh\nmake test\n```\n"
    )
    assert unexecuted_python_blocks(text) == []


def test_the_block_checker_does_not_accept_exec_off_or_a_distant_marker() -> None:
    text = f'```python exec="off"\nx\n```\n\n{SKETCH_MARKER}\n\nSome words.\n\n```python\ny\n```\n'
    assert [b.line for b in unexecuted_python_blocks(text)] == [1, 9]


def test_the_block_checker_ignores_a_block_shown_inside_another() -> None:
    text = "````markdown\n```python\nshown, not run\n```\n````\n\n```python\nz\n```\n"
    assert [b.line for b in unexecuted_python_blocks(text)] == [7]


# -- the strict build ---------------------------------------------------------


@dataclass
class Build:
    site: Path
    log: str
    returncode: int


@pytest.fixture(scope="session")
def build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """Build the site once, strictly, into a temporary directory."""
    site = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "MPLBACKEND": "Agg"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return Build(site, result.stdout + result.stderr, result.returncode)


def test_the_site_builds_strictly_without_a_warning(build: Build) -> None:
    problems = [
        line
        for line in build.log.splitlines()
        if "WARNING" in line or "ERROR" in line or "exited with" in line
    ]
    assert build.returncode == 0 and not problems, (
        f"mkdocs build --strict exited with {build.returncode}:\n" + "\n".join(problems)
        or build.log[-3000:]
    )


def test_no_page_shows_an_error_from_its_code(build: Build) -> None:
    # The API pages are left out: a docstring's doctest may show a traceback on purpose.
    pages = [
        str(page.relative_to(build.site))
        for page in build.site.rglob("*.html")
        if page.parent.name != "reference"
        and "Traceback (most recent call last)" in page.read_text()
    ]
    assert not pages, f"these pages show a traceback from a code block: {pages}"


def test_every_public_name_has_an_entry_in_the_api_reference(build: Build) -> None:
    reference = "".join(page.read_text() for page in (build.site / "reference").glob("*.html"))
    missing = []
    for name in minnet.__all__:
        module = getattr(getattr(minnet, name), "__module__", "minnet")
        if f'id="minnet.{name}"' not in reference and f'id="{module}.{name}"' not in reference:
            missing.append(name)
    assert not missing, f"no API reference entry for {missing}"


def test_the_testing_and_gradcheck_modules_have_pages(build: Build) -> None:
    for module in ("gradcheck", "testing"):
        page = build.site / "reference" / f"{module}.html"
        assert f'id="minnet.{module}"' in page.read_text()


def test_the_site_loads_nothing_from_the_network(build: Build) -> None:
    external = re.compile(r"""<(?:script|link|img)\b[^>]*\b(?:src|href)=["'](?:https?:)?//""")
    for page in build.site.rglob("*.html"):
        html = page.read_text()
        assert not external.search(html), f"{page.name} loads a resource from the network"
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html


def test_math_is_rendered_by_a_local_copy_of_mathjax(build: Build) -> None:
    script = build.site / "javascripts" / "tex-svg-full.js"
    assert script.stat().st_size > 1_000_000
    page = (build.site / "tutorials" / "autoencoder.html").read_text()
    assert 'src="../javascripts/tex-svg-full.js"' in page
    assert 'class="arithmatex"' in page


def test_links_work_from_the_file_system(build: Build) -> None:
    home = (build.site / "index.html").read_text()
    assert 'href="tutorials/autoencoder.html"' in home


def test_the_tutorials_show_their_figures(build: Build) -> None:
    for page, figures in {
        "tutorials/autoencoder.html": 3,
        "tutorials/gradient-checking.html": 1,
        "tutorials/regularisation.html": 2,
        "tutorials/learning-rate.html": 2,
        "guides/custom-layer.html": 1,
        "digits.html": 2,
    }.items():
        # matplotlib names the outermost group of every SVG figure "figure_1".
        shown = (build.site / page).read_text().count('<g id="figure_1">')
        assert shown >= figures, f"{page} shows {shown} figures, expected {figures}"
