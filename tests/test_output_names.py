"""The low list of output names (settings read it) is the registry's, name for name."""

from __future__ import annotations

from envgen.output_names import OUTPUT_NAMES, unknown_outputs
from envgen.outputs.registry import OUTPUTS


def test_the_names_are_the_registry_s_in_its_order() -> None:
    assert tuple(output.name for output in OUTPUTS) == OUTPUT_NAMES


def test_an_unknown_name_is_named_with_the_closest_known_one() -> None:
    assert unknown_outputs(["compose", "makefle"]) == [
        "unknown output `makefle` (did you mean `makefile`?; outputs: "
        + ", ".join(OUTPUT_NAMES)
        + ")"
    ]
