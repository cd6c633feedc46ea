"""The spec format reference for the README, made from the models' field descriptions."""

from __future__ import annotations

from pydantic import BaseModel

from envgen.model.additions import Additions
from envgen.model.environment import (
    BasicAuth,
    Database,
    Environment,
    Feature,
    Host,
    Integration,
    IntendedDifference,
    Network,
    Proxy,
    Volume,
)
from envgen.model.facts import FACTS, FAMILIES
from envgen.model.fields import spec_fields
from envgen.model.mounts import (
    BindOptions,
    ImageOptions,
    Mount,
    Tmpfs,
    TmpfsOptions,
    VolumeOptions,
)
from envgen.model.ports import PortMapping
from envgen.model.service import EnvFile, Healthcheck, Logging, Service

SECTIONS: tuple[tuple[str, type[BaseModel]], ...] = (
    ("Environment (top level of a spec)", Environment),
    ("`services.<name>`", Service),
    ("`host`", Host),
    ("`integrations.<name>`", Integration),
    ("`database`", Database),
    ("`features.<flag>`", Feature),
    ("`intended_differences[]`", IntendedDifference),
    ("`volumes.<name>`", Volume),
    ("`networks.<name>`", Network),
    ("`proxy`", Proxy),
    ("`proxy.basic_auth`", BasicAuth),
    ('`services.<name>.ports[]` (or `"[IP:][HOST:]CONTAINER[/PROTOCOL]"`)', PortMapping),
    ('`services.<name>.volumes[]` (or `"SOURCE:TARGET[:MODES]"`, `"TARGET"`)', Mount),
    ("`services.<name>.volumes[].bind`", BindOptions),
    ("`services.<name>.volumes[].volume`", VolumeOptions),
    ("`services.<name>.volumes[].tmpfs`", TmpfsOptions),
    ("`services.<name>.volumes[].image`", ImageOptions),
    ('`services.<name>.tmpfs[]` (or Compose\'s `"/path[:OPTIONS]"`)', Tmpfs),
    ("`services.<name>.healthcheck`", Healthcheck),
    ("`services.<name>.logging`", Logging),
    ('`services.<name>.env_file[]` (or `"path"`)', EnvFile),
    ("`additions`", Additions),
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _required(model: type[BaseModel], name: str) -> str:
    return "yes" if model.model_fields[name].is_required() else "no"


def spec_reference() -> str:
    """Markdown tables: every field of every model, with whether it is required and what it
    is for."""
    out: list[str] = []
    for title, model in SECTIONS:
        out += [f"#### {title}", "", "| field | required | meaning |", "| --- | --- | --- |"]
        for name in spec_fields(model):  # a derived field is never written in a spec
            meaning = _cell(model.model_fields[name].description or "")
            out.append(f"| `{name}` | {_required(model, name)} | {meaning} |")
        out.append("")
    out += [
        "#### Facts (values for `services.<name>.facts`)",
        "",
        "| fact | value |",
        "| --- | --- |",
    ]
    out += [f"| `{name}` | {_cell(fact.description)} |" for name, fact in FACTS.items()]
    out += [f"| `{name}` | {_cell(meaning)} |" for name, meaning in FAMILIES.items()]
    return "\n".join(out) + "\n"
