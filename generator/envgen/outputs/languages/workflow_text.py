"""Spells GitHub Actions workflows: YAML whose strings GitHub also reads for `${{ }}`
expressions, and reads them back.

A spec string goes only into `env:` and `with:` values, never into a `run:` script
(scripts read it as a shell variable), and a spec string holding `${{` is refused:
GitHub would evaluate it, and YAML quoting does not stop that.
"""

from __future__ import annotations

from typing import Any

import yaml


def workflow_value(value: object) -> str:
    """A spec string bound for a workflow, refused when GitHub would evaluate part of it."""
    text = str(value)
    if "${{" in text:
        raise ValueError(f"cannot write {text!r} in a workflow: GitHub would evaluate `${{{{`")
    return text


def secret(name: str) -> str:
    """The one way a secret appears in a workflow: a reference to a GitHub secret."""
    return "${{ secrets." + name + " }}"


class _Dumper(yaml.SafeDumper):
    """Block style; scripts as literal blocks, so that a person can read them."""


def _string(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _string)


def workflow_yaml(document: dict[str, Any]) -> str:
    """The workflow as YAML text, in the document's key order."""
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, width=1000, allow_unicode=False)


# libyaml's parser where PyYAML was built with it: the same YAML 1.1 safe loader, in C.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_workflow(text: str, expected: dict[str, Any]) -> str | None:
    """Whether the text reads back as exactly the intended workflow."""
    try:
        parsed = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError:
        try:  # PyYAML's own reader says what is wrong, in the words it always used
            parsed = yaml.safe_load(text)
        except yaml.YAMLError as error:
            return f"invalid YAML: {error}"
    return None if parsed == expected else "the YAML does not read back as the workflow"
