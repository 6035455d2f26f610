"""A Griffe extension: turn the Sphinx roles in minnet's docstrings into links.

minnet's docstrings write cross-references the Sphinx way, e.g.
``:class:`~minnet.training.History``` or ``:meth:`forward```, and links as
``` `text <url>`_ ```. mkdocstrings reads neither, so once the whole package
is loaded this extension rewrites each role into a mkdocstrings
cross-reference (``[`History`][minnet.History]``) and each link into a
Markdown link.

A role's name is looked up where the docstring sits (the class, then its
module), then from the package. It becomes a link only when its target has
an entry in the API reference: a name in ``minnet.__all__`` (linked as
``minnet.X``), a public member of an exported class (or the class itself,
when the member has no docstring and so no entry), a module that has a
reference page, or anything public in one of the ``whole_modules`` (the
option given in mkdocs.yml). Anything else stays plain code: the name is
shown, without a link to a page that does not exist.

Used from mkdocs.yml, under the python handler's options::

    extensions:
      - tools/griffe_roles.py:SphinxRoles:
          whole_modules: [minnet.gradcheck, minnet.testing]
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:class|func|meth|mod|attr|exc|data|obj):`(~?)([\w.]+)`")
RST_LINK = re.compile(r"`([^`<]+?)\s*<(https?://[^>]+)>`__?")


def _target(obj: Any) -> Any:
    return obj.final_target if obj.is_alias else obj


class SphinxRoles(griffe.Extension):
    """Rewrite Sphinx roles and reST links in every docstring of the package."""

    def __init__(self, whole_modules: list[str] | None = None) -> None:
        super().__init__()
        self.whole_modules = list(whole_modules or [])

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        self.package = pkg
        self.exported: dict[str, str] = {}  # canonical path -> public path
        for name in pkg.exports or []:
            member = pkg.members.get(str(name))
            if member is None:
                continue
            try:
                self.exported[_target(member).path] = f"{pkg.name}.{name}"
            except griffe.AliasResolutionError:
                continue
        self.pages = {path.rsplit(".", 1)[0] for path in self.exported} | set(self.whole_modules)
        self._visit(pkg)

    # -- lookup -----------------------------------------------------------------

    def _lookup(self, path: str) -> Any:
        parts = path.split(".")
        if parts[0] != self.package.name:
            return None
        obj: Any = self.package
        for part in parts[1:]:
            members = getattr(obj, "members", None)
            if members is None or part not in members:
                return None
            obj = members[part]
        return obj

    def _documented_path(self, obj: Any) -> str | None:
        """The identifier of ``obj``'s entry in the API reference, if it has one."""
        try:
            target = _target(obj)
        except griffe.AliasResolutionError:
            return None
        path = target.path
        if path in self.exported:
            return self.exported[path]
        if target.is_module:
            return path if path in self.pages else None
        if any(path.startswith(module + ".") for module in self.whole_modules):
            private = any(part.startswith("_") for part in path.split("."))
            return None if private or not target.docstring else path
        parent = target.parent
        if parent is not None and parent.is_class and not target.name.startswith("_"):
            owner = self._documented_path(parent)
            if owner is None or not target.docstring:
                # mkdocstrings shows no entry for a member without a docstring
                # (an override such as Linear.forward): link to its class.
                return owner
            return f"{owner}.{target.name}"
        return None

    def _resolve(self, where: Any, name: str) -> str | None:
        scopes = []
        if where.is_class:
            scopes.append(where.path)
        if where.parent is not None and where.parent.is_class:
            scopes.append(where.parent.path)
        scopes += [where.module.path, self.package.name, ""]
        for scope in scopes:
            obj = self._lookup(f"{scope}.{name}" if scope else name)
            if obj is not None:
                return self._documented_path(obj)
        return None

    # -- rewriting --------------------------------------------------------------

    def _visit(self, obj: Any) -> None:
        if obj.docstring is not None:

            def role(match: re.Match[str]) -> str:
                short, name = match.group(1), match.group(2)
                shown = name.rsplit(".", 1)[-1] if short else name
                target = self._resolve(obj, name)
                return f"[`{shown}`][{target}]" if target else f"`{shown}`"

            text = ROLE.sub(role, obj.docstring.value)
            obj.docstring.value = RST_LINK.sub(r"[\1](\2)", text)
        for member in obj.members.values():
            if not member.is_alias and member.parent is obj:
                self._visit(member)
