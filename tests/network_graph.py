"""NetworkPolicies evaluated as Kubernetes does (networking.k8s.io/v1): which pod may open
a connection to which pod on which port, given every policy of every namespace.

A connection is allowed when the source's egress allows it and the destination's
ingress allows it. A pod no policy of a direction selects is open in that direction; a
selected pod allows only what some rule of a selecting policy allows (policies add up).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

# Set by Kubernetes on every namespace: policies select namespaces by it.
NAMESPACE_NAME = "kubernetes.io/metadata.name"


@dataclass(frozen=True)
class Pod:
    """A pod template's identity: its namespace, its labels, an address in the pod network."""

    namespace: str
    labels: tuple[tuple[str, str], ...]
    ip: str
    name: str

    def label_map(self) -> dict[str, str]:
        return dict(self.labels)


def _matches(selector: dict[str, Any] | None, labels: dict[str, str]) -> bool:
    """A label selector: {} (or none) matches everything."""
    selector = selector or {}
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression["key"], expression["operator"], expression.get("values")
        present = key in labels
        if operator == "In" and not (present and labels[key] in values):
            return False
        if operator == "NotIn" and present and labels[key] in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True


class Cluster:
    """Namespaces (with their labels), pods and NetworkPolicies."""

    def __init__(self, objects: list[dict[str, Any]]) -> None:
        self.namespaces: dict[str, dict[str, str]] = {}
        self.pods: list[Pod] = []
        self.policies: list[dict[str, Any]] = []
        for document in objects:
            kind = document["kind"]
            if kind == "Namespace":
                name = document["metadata"]["name"]
                labels = dict(document["metadata"].get("labels") or {})
                self.namespaces[name] = {**labels, NAMESPACE_NAME: name}
            elif kind == "NetworkPolicy":
                self.policies.append(document)
            elif kind in ("Deployment", "StatefulSet", "Job"):
                labels = document["spec"]["template"]["metadata"]["labels"]
                index = len(self.pods) + 1
                self.pods.append(
                    Pod(
                        document["metadata"]["namespace"],
                        tuple(sorted(labels.items())),
                        f"10.244.{index // 250}.{index % 250 + 1}",
                        document["metadata"]["name"],
                    )
                )

    def pod(self, namespace: str, name: str) -> Pod:
        return next(p for p in self.pods if (p.namespace, p.name) == (namespace, name))

    def _selecting(self, pod: Pod, direction: str) -> list[dict[str, Any]]:
        return [
            policy
            for policy in self.policies
            if policy["metadata"]["namespace"] == pod.namespace
            and _matches(policy["spec"].get("podSelector"), pod.label_map())
            and direction in _types(policy["spec"])
        ]

    def _peer(self, peer: dict[str, Any], policy_namespace: str, other: Pod) -> bool:
        if "ipBlock" in peer:
            address = ipaddress.ip_address(other.ip)
            block = peer["ipBlock"]
            if address not in ipaddress.ip_network(block["cidr"]):
                return False
            return not any(address in ipaddress.ip_network(c) for c in block.get("except", []))
        if "namespaceSelector" in peer:
            namespace_labels = self.namespaces.get(
                other.namespace, {NAMESPACE_NAME: other.namespace}
            )
            if not _matches(peer["namespaceSelector"], namespace_labels):
                return False
        elif other.namespace != policy_namespace:
            return False  # a podSelector alone selects in the policy's own namespace
        return "podSelector" not in peer or _matches(peer["podSelector"], other.label_map())

    def _allows(self, pod: Pod, direction: str, other: Pod, port: int) -> bool:
        selecting = self._selecting(pod, direction)
        if not selecting:
            return True
        key, peers_key = ("egress", "to") if direction == "Egress" else ("ingress", "from")
        for policy in selecting:
            for rule in policy["spec"].get(key) or []:
                ports = rule.get("ports")
                if ports and not any(_port_matches(p, port) for p in ports):
                    continue
                peers = rule.get(peers_key)
                namespace = policy["metadata"]["namespace"]
                if not peers or any(self._peer(peer, namespace, other) for peer in peers):
                    return True
        return False

    def allowed(self, source: Pod, destination: Pod, port: int) -> bool:
        """Whether `source` may open a TCP connection to `destination` on `port`."""
        return self._allows(source, "Egress", destination, port) and self._allows(
            destination, "Ingress", source, port
        )


def _types(spec: dict[str, Any]) -> list[str]:
    """policyTypes, or what Kubernetes infers when it is not written."""
    if "policyTypes" in spec:
        return list(spec["policyTypes"])
    return ["Ingress", *(["Egress"] if "egress" in spec else [])]


def _port_matches(entry: dict[str, Any], port: int) -> bool:
    if entry.get("protocol", "TCP") != "TCP":
        return False
    if "port" not in entry:
        return True
    low = entry["port"]
    high = entry.get("endPort", low)
    return isinstance(low, int) and low <= port <= high
