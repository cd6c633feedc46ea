"""python -m envgen.docs_reference [ROOT]: write the generated reference pages under ROOT."""

from __future__ import annotations

import sys
from pathlib import Path

from envgen.docs_reference.pages import generated

root = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
for path, text in generated().items():
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(text, encoding="utf-8")
    print(path)
