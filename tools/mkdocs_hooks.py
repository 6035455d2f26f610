"""mkdocs hooks for the minnet site (listed under ``hooks:`` in mkdocs.yml).

1. Math renders offline: MathJax 3's self-contained ``tex-svg-full.js`` is
   taken from the installed ``django-static-mathjax`` package (no Django
   needed, no network) and added to the site as ``javascripts/tex-svg-full.js``.
   It is added as a file of the build, so ``mkdocs serve`` serves it too.
2. Tutorial code draws with matplotlib's Agg backend: no display is needed
   and figures are printed into the page as SVG.
3. The API reference is generated from ``minnet.__all__``, so a new public
   name cannot be left out of it: one page per module that defines public
   names (its docstring, then each of its names in source order), plus a
   page for each module listed under ``extra.api.whole_modules`` in
   mkdocs.yml (documented in full). The pages are added to the nav under
   "API reference", and the table on ``reference/index.md`` (at the line
   ``<!-- api-table -->``) lists them.
"""

from __future__ import annotations

import importlib
import inspect
import os
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

MATHJAX_URI = "javascripts/tex-svg-full.js"
API_TABLE_MARKER = "<!-- api-table -->"
API_SECTION = "API reference"

# The order of the generated pages; modules not listed come after, by name.
MODULE_ORDER = [
    "minnet.layers",
    "minnet.activations",
    "minnet.parameter",
    "minnet.initialisers",
    "minnet.losses",
    "minnet.regularisers",
    "minnet.sparsity",
    "minnet.optimizers",
    "minnet.training",
    "minnet.data",
    "minnet.errors",
]


def mathjax_script() -> Path:
    """Return the path of ``tex-svg-full.js`` inside the django-static-mathjax package."""
    spec = find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "The docs render math with MathJax from the django-static-mathjax package, "
            "which is not installed. Run `make docs` (it installs the dev extras)."
        )
    for location in spec.submodule_search_locations:
        script = Path(location, "static", "mathjax", "es5", "tex-svg-full.js")
        if script.is_file():
            return script
    raise RuntimeError(
        "django-static-mathjax is installed but its es5/tex-svg-full.js was not found; "
        "the package layout may have changed."
    )


def api_pages(whole_modules: list[str]) -> dict[str, tuple[str, list[str], str]]:
    """Return ``{src_uri: (module, public names, markdown)}`` for the reference pages."""
    package = importlib.import_module("minnet")
    by_module: dict[str, list[tuple[int, str]]] = {}
    for name in package.__all__:
        obj = getattr(package, name)
        module = getattr(obj, "__module__", None) or package.__name__
        try:
            line = inspect.getsourcelines(obj)[1]
        except (TypeError, OSError):
            line = 0
        by_module.setdefault(module, []).append((line, name))

    def rank(module: str) -> tuple[int, str]:
        if module in whole_modules:
            return (len(MODULE_ORDER) + 1 + whole_modules.index(module), module)
        if module in MODULE_ORDER:
            return (MODULE_ORDER.index(module), module)
        return (len(MODULE_ORDER), module)

    pages = {}
    for module in sorted(set(by_module) | set(whole_modules), key=rank):
        names = [name for _, name in sorted(by_module.get(module, []))]
        uri = f"reference/{module.removeprefix('minnet.')}.md"
        if module in whole_modules:
            # The whole module: its docstring, then every public member.
            body = f"::: {module}\n    options:\n      heading_level: 1\n"
        else:
            body = f"::: {module}\n    options:\n      heading_level: 1\n      members: false\n"
            body += "".join(f"\n::: {package.__name__}.{name}\n" for name in names)
        pages[uri] = (module, names, body)
    return pages


def on_startup(**kwargs: Any) -> None:
    # Before any page runs its code: tutorials never need a window.
    os.environ.setdefault("MPLBACKEND", "Agg")


def on_config(config: Any, **kwargs: Any) -> Any:
    whole = list(config.extra.get("api", {}).get("whole_modules", []))
    config.extra["api_pages"] = api_pages(whole)
    for entry in config.nav or []:
        if isinstance(entry, dict) and API_SECTION in entry:
            entry[API_SECTION] = [
                item for item in entry[API_SECTION] if not _is_generated(item)
            ] + [{module: uri} for uri, (module, _, _) in config.extra["api_pages"].items()]
            break
    else:
        raise RuntimeError(f"mkdocs.yml has no nav section {API_SECTION!r} for the API pages.")
    return config


def _is_generated(item: Any) -> bool:
    return isinstance(item, dict) and any(
        str(v).startswith("reference/") and not str(v).endswith("index.md") for v in item.values()
    )


def on_files(files: Files, config: Any, **kwargs: Any) -> Files:
    files.append(File.generated(config, MATHJAX_URI, abs_src_path=str(mathjax_script())))
    for uri, (_, _, body) in config.extra["api_pages"].items():
        files.append(File.generated(config, uri, content=body))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, **kwargs: Any) -> str:
    if API_TABLE_MARKER not in markdown:
        return markdown
    rows = ["| page | public names |", "|---|---|"]
    for uri, (module, names, _) in config.extra["api_pages"].items():
        link = f"[`{module}`]({uri.removeprefix('reference/')})"
        if names:
            listed = ", ".join(f"[`{name}`][minnet.{name}]" for name in names)
        else:
            listed = "the whole module (imported as `" + module + "`)"
        rows.append(f"| {link} | {listed} |")
    return markdown.replace(API_TABLE_MARKER, "\n".join(rows))
