"""The README's taste of the API runs and prints what its comment says."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_example_runs_and_prints_what_it_promises() -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.DOTALL)
    assert len(blocks) == 1, "the README should hold exactly one python example"
    code = blocks[0]
    promised = re.search(r"print\(.*\)\s+# (.+)", code)
    assert promised is not None, "the example's print should say what it prints"
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(code, str(README), "exec"), {})
    assert output.getvalue().strip() == promised.group(1).strip()
