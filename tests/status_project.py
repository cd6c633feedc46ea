"""The small project `envgen status` is tested on: `envgen init`'s, its images named as
live stand-ins, health checks every second, host ports off the shipped ones."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.tools import tool

APP = "envgen-status"


def make_status_project(folder: Path) -> Path:
    """The project, rendered, in `folder/envgen-status`; its root."""
    root = folder / APP
    subprocess.run([tool("envgen"), "init", str(root)], check=True, capture_output=True)
    base = root / "environments" / "base.yaml"
    text = base.read_text()
    text = text.replace(f"image: ghcr.io/example/{APP}", "image: envgen-standin/status-web")
    text = text.replace("image: postgres:17", "image: envgen-standin/status-postgres:live")
    base.write_text(re.sub(r"interval: \d+s", "interval: 1s", text))
    local = root / "environments" / "local.yaml"
    local.write_text(
        local.read_text()
        .replace("127.0.0.1:8000:", "127.0.0.1:28000:")
        .replace("127.0.0.1:5432:", "127.0.0.1:25432:")
    )
    done = subprocess.run(
        [tool("envgen"), "--root", str(root), "render"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return root
