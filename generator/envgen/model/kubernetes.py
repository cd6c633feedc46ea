"""What an environment says about Kubernetes: its targets, and the cluster's names envgen
cannot guess (the Secret, the ingress controller, the size of each claim)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from envgen.model.fields import Model, Port, ServiceName, Slug

Target = Literal["compose", "kubernetes"]
TARGETS: tuple[Target, ...] = ("compose", "kubernetes")

# A Kubernetes quantity of storage, e.g. 10Gi, 500Mi.
Storage = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]*(Ki|Mi|Gi|Ti)$")]
# A DNS-1123 label: the name of a namespace, a Secret, a class.
Label = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]


class Kubernetes(Model):
    """How an environment with the target `kubernetes` is laid out on the cluster."""

    namespace: Label | None = Field(
        None, description="the environment's namespace; default: the compose project's name"
    )
    # The names of Secrets, not what they hold: the fields avoid the word "secret", which
    # would have diff and show conceal them.
    variables_from: Label | None = Field(
        None,
        description="the Secret that holds the environment's secret variables, each under "
        "its variable's name; default `<app>-secrets`",
    )
    basic_auth_from: Label | None = Field(
        None,
        description="the Secret (an htpasswd file under the key `auth`) the Ingress asks "
        "for with `access: basic_auth`; default `<app>-basic-auth`",
    )
    certificate_from: Label | None = Field(
        None, description="the Secret holding the domain's certificate; none: no TLS section"
    )
    ingress_class: Label = Field(
        "nginx", description="the IngressClass that serves the domain (ingress-nginx's)"
    )
    ingress_namespace: Label = Field(
        "ingress-nginx", description="the namespace of the ingress controller's pods"
    )
    storage: dict[Slug, Storage] = Field(
        default_factory=dict,
        description="the size each named volume's claim asks for, e.g. `pgdata: 10Gi`; default 1Gi",
    )
    ports: dict[ServiceName, list[Port]] = Field(
        default_factory=dict,
        description="ports a service listens on that the spec shows nowhere else (`ports`, "
        "`expose`, a URL, a health check, the proxy, the database)",
    )
    wait_image: str = Field(
        "busybox:1.37",
        description="the image of the init containers that wait for a dependency's Service",
    )


def targets_of(value: Target | list[Target]) -> tuple[Target, ...]:
    """A spec's `target`, one or a list, in a defined order."""
    chosen = [value] if isinstance(value, str) else value
    return tuple(target for target in TARGETS if target in chosen)
