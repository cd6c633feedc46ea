"""An environment's own objects on the cluster: its Namespace, its memory budget, its
Ingress, and the NetworkPolicies that let traffic through along the spec's edges only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from envgen.outputs.kubernetes.names import ENVIRONMENT, NAME, PART_OF, metadata
from envgen.outputs.kubernetes.quantities import memory
from envgen.project.kubernetes_routes import ingress_paths

if TYPE_CHECKING:
    from envgen.model.environment import Environment
    from envgen.project.kubernetes_plan import Plan

TIER = "envgen.io/tier"
# Set by Kubernetes on every namespace (1.22 and later): a selector no one can fake.
NAMESPACE_NAME = "kubernetes.io/metadata.name"
# The cluster's DNS, where every cluster runs it.
DNS = {"namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}}
# Addresses inside a cluster or a private network: an outside API is anything else.
PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]


def namespace(env: Environment) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "name": env.namespace,
            "labels": {PART_OF: env.app, ENVIRONMENT: env.name, TIER: env.tier.value},
        },
    }


def budget(env: Environment) -> list[dict[str, Any]]:
    """The host's memory as the namespace's quota, and as the most one container may ask."""
    if env.host.memory is None:
        return []
    size = memory(env.host.memory)
    return [
        {
            "apiVersion": "v1",
            "kind": "ResourceQuota",
            "metadata": metadata(env, "memory-budget"),
            "spec": {"hard": {"limits.memory": size, "requests.memory": size}},
        },
        {
            "apiVersion": "v1",
            "kind": "LimitRange",
            "metadata": metadata(env, "memory-budget"),
            "spec": {"limits": [{"type": "Container", "max": {"memory": size}}]},
        },
    ]


def basic_auth_secret(env: Environment) -> str:
    return env.kubernetes.basic_auth_from or f"{env.app}-basic-auth"


def ingress(env: Environment) -> list[dict[str, Any]]:
    """The domain, each path routed where Caddy would route it (project/kubernetes_routes.py);
    basic auth, on every path, through a Secret."""
    if env.domain is None or env.proxy is None:
        return []
    meta = metadata(env, env.app)
    if env.access == "basic_auth":
        meta["annotations"] = {
            "nginx.ingress.kubernetes.io/auth-type": "basic",
            "nginx.ingress.kubernetes.io/auth-secret": basic_auth_secret(env),
            "nginx.ingress.kubernetes.io/auth-realm": f"{env.app} {env.name}",
        }
    paths = [
        {
            "path": found.path,
            "pathType": found.kind,
            "backend": {"service": {"name": found.service, "port": {"number": found.port}}},
        }
        for found in ingress_paths(env.proxy)
    ]
    spec: dict[str, Any] = {
        "ingressClassName": env.kubernetes.ingress_class,
        "rules": [{"host": env.domain, "http": {"paths": paths}}],
    }
    if env.kubernetes.certificate_from is not None:
        spec["tls"] = [{"hosts": [env.domain], "secretName": env.kubernetes.certificate_from}]
    return [
        {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta, "spec": spec}
    ]


def _ports(ports: tuple[int, ...]) -> list[dict[str, Any]]:
    return [{"protocol": "TCP", "port": port} for port in ports]


def _pods(name: str) -> dict[str, Any]:
    return {"podSelector": {"matchLabels": {NAME: name}}}


def network_policies(env: Environment, layout: Plan) -> list[dict[str, Any]]:
    """Deny everything, allow DNS, then each edge: the client's egress and the server's
    ingress, on the server's ports; the ingress controller to each routed service; HTTPS
    out of the cluster for a service that calls an outside API."""

    def policy(name: str, spec: dict[str, Any]) -> dict[str, Any]:
        return {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": metadata(env, name),
            "spec": spec,
        }

    dns_peer = {
        "namespaceSelector": {"matchLabels": {NAMESPACE_NAME: DNS["namespace"]}},
        "podSelector": {"matchLabels": DNS["labels"]},
    }
    found = [
        policy("default-deny", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}),
        policy(
            "allow-dns",
            {
                "podSelector": {},
                "policyTypes": ["Egress"],
                "egress": [
                    {
                        "to": [dns_peer],
                        "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
                    }
                ],
            },
        ),
    ]
    # The ingress controller reaches each service the Ingress routes to, on its routed ports.
    routed: dict[str, set[int]] = {}
    if env.proxy is not None and env.domain is not None:
        for path in ingress_paths(env.proxy):
            routed.setdefault(path.service, set()).add(path.port)
    for name in env.services:
        ingress: list[dict[str, Any]] = []
        clients = sorted({e.client for e in layout.edges if e.server == name})
        if clients:
            ingress.append(
                {"from": [_pods(c) for c in clients], "ports": _ports(layout.ports[name])}
            )
        if name in routed:
            controller = {"matchLabels": {NAMESPACE_NAME: env.kubernetes.ingress_namespace}}
            ingress.append(
                {
                    "from": [{"namespaceSelector": controller}],
                    "ports": _ports(tuple(sorted(routed[name]))),
                }
            )
        egress = [
            {"to": [_pods(e.server)], "ports": _ports(layout.ports[e.server])}
            for e in layout.edges
            if e.client == name
        ]
        if name in layout.outside:
            outside = {"ipBlock": {"cidr": "0.0.0.0/0", "except": list(PRIVATE)}}
            egress.append({"to": [outside], "ports": _ports((443,))})
        if not ingress and not egress:
            continue
        spec: dict[str, Any] = {"podSelector": {"matchLabels": {NAME: name}}, "policyTypes": []}
        if ingress:
            spec["policyTypes"].append("Ingress")
            spec["ingress"] = ingress
        if egress:
            spec["policyTypes"].append("Egress")
            spec["egress"] = egress
        found.append(policy(f"allow-{name}", spec))
    return found
