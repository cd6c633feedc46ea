"""The registry of generated files, in the order they are rendered and listed."""

from __future__ import annotations

from envgen.outputs.caddy import CADDY
from envgen.outputs.compose import COMPOSE
from envgen.outputs.output import Output
from envgen.outputs.parity import DOCS

OUTPUTS: tuple[Output, ...] = (COMPOSE, DOCS, CADDY)
