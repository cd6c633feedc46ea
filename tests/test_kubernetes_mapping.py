"""The mapping table of docs/reference/kubernetes.md, row by row: each test reads a
rendered manifest and asserts the value that came from the spec (tests/kube_project.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.kube_project import files_of, kube_project, kubernetes_validate, manifests

Objects = dict[str, dict[str, Any]]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return kube_project(tmp_path_factory.mktemp("kube"))


@pytest.fixture(scope="module")
def objects(project: Path) -> Objects:
    return manifests(project)


def _container(objects: Objects, key: str) -> dict[str, Any]:
    containers: list[dict[str, Any]] = objects[key]["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def _pod(objects: Objects, key: str) -> dict[str, Any]:
    pod: dict[str, Any] = objects[key]["spec"]["template"]["spec"]
    return pod


def test_every_manifest_passes_kubernetes_validate_strict(project: Path, tmp_path: Path) -> None:
    for name, text in files_of(project).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    result = kubernetes_validate(tmp_path)
    # --quiet prints warnings and failures only: an unknown kind would be a WARN line.
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_a_namespace_per_environment_labelled_with_app_and_tier(objects: Objects) -> None:
    assert objects["staging/Namespace/shop-staging"]["metadata"]["labels"] == {
        "app.kubernetes.io/part-of": "shop",
        "envgen.io/environment": "staging",
        "envgen.io/tier": "staging",
    }
    labels = objects["production/Namespace/shop-production"]["metadata"]["labels"]
    assert labels["envgen.io/tier"] == "production"
    namespaces = {
        o["metadata"].get("namespace") for k, o in objects.items() if "Namespace" not in k
    }
    assert namespaces == {"shop-staging", "shop-production"}


def test_workload_kinds(objects: Objects) -> None:
    kinds = {
        key.split("/")[2]: key.split("/")[1]
        for key in objects
        if key.startswith("staging/") and key.split("/")[1] in ("Deployment", "StatefulSet", "Job")
    }
    assert kinds == {
        "api": "Deployment",  # an external volume is an existing claim: still stateless
        "worker": "Deployment",
        "cache": "Deployment",
        "db": "StatefulSet",  # the database's service, with a named volume
        "migrate": "Job",  # restart: "no"
        "seed": "Job",  # seed: true
        "spare": "Deployment",
    }


def test_a_data_service_keeps_its_volume_in_a_claim_template_of_the_spec_size(
    objects: Objects,
) -> None:
    db = objects["staging/StatefulSet/db"]["spec"]
    assert db["serviceName"] == "db"
    assert db["volumeClaimTemplates"] == [
        {
            "metadata": {"name": "dbdata"},
            "spec": {
                "accessModes": ["ReadWriteOnce"],
                "resources": {"requests": {"storage": "5Gi"}},
            },
        }
    ]
    mounts = _container(objects, "staging/StatefulSet/db")["volumeMounts"]
    assert {"name": "dbdata", "mountPath": "/var/lib/postgresql/data"} in mounts
    production = objects["production/StatefulSet/db"]["spec"]["volumeClaimTemplates"][0]
    assert production["spec"]["resources"]["requests"]["storage"] == "1Gi"  # the default


def test_an_external_volume_is_the_claim_of_that_name(objects: Objects) -> None:
    volumes = _pod(objects, "staging/Deployment/api")["volumes"]
    assert {
        "name": "shared",
        "persistentVolumeClaim": {"claimName": "shop-shared-claim"},
    } in volumes


def test_one_shot_jobs(objects: Objects) -> None:
    migrate = objects["staging/Job/migrate"]["spec"]
    assert (migrate["backoffLimit"], migrate["template"]["spec"]["restartPolicy"]) == (0, "Never")
    assert "suspend" not in migrate
    seed = objects["staging/Job/seed"]["spec"]
    # on-failure:2, and in a profile: on demand, so created suspended.
    assert (seed["backoffLimit"], seed["template"]["spec"]["restartPolicy"]) == (2, "OnFailure")
    assert seed["suspend"] is True
    assert "production/Job/seed" not in objects


def test_a_long_running_service_in_a_profile_has_no_replica(objects: Objects) -> None:
    assert objects["staging/Deployment/spare"]["spec"]["replicas"] == 0
    assert objects["staging/Deployment/worker"]["spec"]["replicas"] == 3  # deploy.replicas
    assert objects["staging/Deployment/api"]["spec"]["replicas"] == 1


def test_memory_and_cpus_are_limits_and_requests_with_the_ram_disks(objects: Objects) -> None:
    # memory 256m + tmpfs /tmp 64m: a RAM disk is counted in a container's memory.
    api = _container(objects, "staging/Deployment/api")["resources"]
    assert api == {
        "limits": {"cpu": "500m", "memory": "320Mi"},
        "requests": {"cpu": "500m", "memory": "320Mi"},
    }
    # 128m + shm_size 32m
    worker = _container(objects, "staging/Deployment/worker")["resources"]["limits"]
    assert worker == {"cpu": "250m", "memory": "160Mi"}
    # 256m + `/var/run/postgresql:size=8m`
    db = _container(objects, "staging/StatefulSet/db")["resources"]["limits"]
    assert db == {"cpu": "500m", "memory": "264Mi"}


def test_hardening_is_the_security_context(objects: Objects) -> None:
    assert _container(objects, "staging/Deployment/api")["securityContext"] == {
        "readOnlyRootFilesystem": True,
        "allowPrivilegeEscalation": False,
        "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]},
        "runAsUser": 1000,
        "runAsGroup": 2000,
    }
    assert "securityContext" not in _container(objects, "staging/Deployment/worker")


def test_an_http_health_check_is_an_http_get_probe(objects: Objects) -> None:
    api = _container(objects, "staging/Deployment/api")
    timing = {"periodSeconds": 15, "timeoutSeconds": 4, "failureThreshold": 5}
    get = {"httpGet": {"path": "/health", "port": 8001}}
    assert api["readinessProbe"] == {**get, **timing}
    # start_period 1m30s: the liveness probe waits for it
    assert api["livenessProbe"] == {**get, **timing, "initialDelaySeconds": 90}


def test_a_tcp_health_check_is_a_tcp_probe(objects: Objects) -> None:
    cache = _container(objects, "staging/Deployment/cache")
    # Compose's defaults: every 30s, 30s to answer, 3 failures.
    assert cache["readinessProbe"] == {
        "tcpSocket": {"port": 6379},
        "periodSeconds": 30,
        "timeoutSeconds": 30,
        "failureThreshold": 3,
    }


def test_any_other_health_check_is_an_exec_probe(objects: Objects) -> None:
    worker = _container(objects, "staging/Deployment/worker")
    command = ["/bin/sh", "-c", "pgrep worker || exit 1"]
    assert worker["livenessProbe"]["exec"] == {"command": command}
    assert worker["readinessProbe"]["exec"] == {"command": command}
    assert "livenessProbe" not in _container(objects, "staging/Job/migrate")


def test_depends_on_waits_for_the_dependency_s_service(objects: Objects) -> None:
    waits = _pod(objects, "staging/Deployment/api")["initContainers"]
    assert [(w["name"], w["image"], w["command"]) for w in waits] == [
        ("wait-for-db", "busybox:1.37", ["sh", "-c", "until nc -z -w 2 db 5432; do sleep 2; done"])
    ]
    assert waits[0]["resources"]["limits"] == {"cpu": "50m", "memory": "16Mi"}
    # A one-shot job cannot be waited for from a pod: the order is noted.
    annotations = objects["staging/Deployment/api"]["spec"]["template"]["metadata"]["annotations"]
    assert annotations["envgen.io/after-jobs"] == "migrate"


def test_a_service_for_every_service_another_reaches(objects: Objects) -> None:
    services = {
        key.split("/")[2]: [(p["port"], p["targetPort"]) for p in o["spec"]["ports"]]
        for key, o in objects.items()
        if key.startswith("staging/Service/")
    }
    assert services == {
        "api": [(8001, 8001)],  # `ports`, the proxy, and worker's API URL
        "cache": [(6379, 6379)],  # `expose`, and a name in api's variables
        "db": [(5432, 5432)],  # depends_on, the database's port
    }
    assert objects["staging/Service/db"]["spec"]["selector"] == {"app.kubernetes.io/name": "db"}


def test_tmpfs_is_an_empty_dir_in_memory_of_its_size(objects: Objects) -> None:
    api = _pod(objects, "staging/Deployment/api")
    assert {"name": "ram-0", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}} in api[
        "volumes"
    ]
    assert {"name": "ram-0", "mountPath": "/tmp"} in _container(objects, "staging/Deployment/api")[
        "volumeMounts"
    ]
    worker = _pod(objects, "staging/Deployment/worker")["volumes"]
    assert worker[3:] == [{"name": "shm", "emptyDir": {"medium": "Memory", "sizeLimit": "32Mi"}}]


def test_an_anonymous_volume_is_an_empty_dir(objects: Objects) -> None:
    assert _pod(objects, "staging/Deployment/worker")["volumes"][0] == {
        "name": "scratch-0",
        "emptyDir": {},
    }
    mounts = _container(objects, "staging/Deployment/worker")["volumeMounts"]
    assert mounts[0] == {"name": "scratch-0", "mountPath": "/var/cache/worker"}


def test_a_bind_mount_of_a_project_file_is_a_config_map(objects: Objects) -> None:
    data = objects["staging/ConfigMap/api-files"]["data"]
    assert data == {"app.toml": 'listen = "0.0.0.0:8001"\n'}
    mount = {
        "name": "file-0",
        "mountPath": "/etc/app/app.toml",
        "subPath": "app.toml",
        "readOnly": True,
    }
    assert mount in _container(objects, "staging/Deployment/api")["volumeMounts"]


def test_two_project_files_of_one_name_are_two_keys(objects: Objects) -> None:
    data = objects["staging/ConfigMap/worker-files"]["data"]
    assert data == {"app.toml": 'listen = "0.0.0.0:8001"\n', "2-app.toml": "other = true\n"}
    mounts = _container(objects, "staging/Deployment/worker")["volumeMounts"]
    assert [(m["mountPath"], m.get("subPath")) for m in mounts[1:3]] == [
        ("/etc/worker/app.toml", "app.toml"),
        ("/etc/worker/other.toml", "2-app.toml"),
    ]


def test_secret_variables_are_references_to_the_secret_never_values(
    objects: Objects, project: Path
) -> None:
    env = {e["name"]: e for e in _container(objects, "staging/Deployment/api")["env"]}
    assert env["LLM_KEY"]["valueFrom"] == {
        "secretKeyRef": {"name": "shop-vault", "key": "STAGING_LLM_KEY"}
    }
    assert env["STAGING_DB_PASSWORD"]["valueFrom"] == {
        "secretKeyRef": {"name": "shop-vault", "key": "STAGING_DB_PASSWORD"}
    }
    # A value built from a secret: the kubelet fills $(VAR) from the variable above it.
    assert env["DATABASE_URL"] == {
        "name": "DATABASE_URL",
        "value": "postgresql://shop_staging:$(STAGING_DB_PASSWORD)@db:5432/shop_staging",
    }
    names = [e["name"] for e in _container(objects, "staging/Deployment/api")["env"]]
    assert names.index("STAGING_DB_PASSWORD") < names.index("DATABASE_URL")
    # The Secret is the cluster's: no manifest makes one.
    assert not [key for key in objects if "/Secret/" in key]
    # production's Secret: the default name
    production = {e["name"]: e for e in _container(objects, "production/Deployment/api")["env"]}
    assert production["LLM_KEY"]["valueFrom"]["secretKeyRef"] == {
        "name": "shop-secrets",
        "key": "PROD_LLM_KEY",
    }


def test_other_variables_are_in_a_config_map(objects: Objects) -> None:
    assert objects["staging/ConfigMap/api-env"]["data"] == {
        "CACHE_HOST": "cache",
        "GREETING": "hello $USER",  # `$$` is Compose's literal `$`
        "LEVEL": "info",  # `${LOG_LEVEL:-info}`: no cluster has the variable
    }
    assert _container(objects, "staging/Deployment/api")["envFrom"] == [
        {"configMapRef": {"name": "api-env"}}
    ]


def test_command_and_entrypoint_with_dollars_escaped(objects: Objects) -> None:
    api = _container(objects, "staging/Deployment/api")
    assert api["command"] == ["/bin/serve"]
    # `$$5` is `$5`, which the kubelet would not expand, written `$$5`; a secret's `${..}`
    # is the variable of that name, fed by the Secret.
    assert api["args"] == ["--price", "$$5", "--key", "$(API_SIGNING_KEY)"]
    env = {e["name"]: e for e in api["env"]}
    assert env["API_SIGNING_KEY"]["valueFrom"]["secretKeyRef"]["key"] == "API_SIGNING_KEY"
    assert api["workingDir"] == "/srv"


def test_pull_policy_is_the_image_pull_policy(objects: Objects) -> None:
    assert _container(objects, "staging/Deployment/worker")["imagePullPolicy"] == "Always"
    # none written: Kubernetes' default for a tag other than latest, Compose's `missing`
    assert "imagePullPolicy" not in _container(objects, "staging/Deployment/api")


def test_every_pod_runs_under_the_runtime_s_default_seccomp_profile(objects: Objects) -> None:
    """Docker's default profile applies to every Compose container; a pod asks for it."""
    pods = [key for key in objects if key.split("/")[1] in ("Deployment", "StatefulSet", "Job")]
    assert len(pods) == 13
    for key in pods:
        assert _pod(objects, key)["securityContext"] == {
            "seccompProfile": {"type": "RuntimeDefault"}
        }


def test_pod_details(objects: Objects) -> None:
    template = objects["staging/Deployment/api"]["spec"]["template"]
    assert template["spec"]["terminationGracePeriodSeconds"] == 45
    assert template["spec"]["automountServiceAccountToken"] is False
    assert template["metadata"]["annotations"]["envgen.io/description"] == "the API"
    assert template["metadata"]["annotations"]["envgen.io/label.team"] == "core"
    assert _container(objects, "staging/Deployment/api")["image"] == "example/api:staging"
    assert _container(objects, "production/Deployment/api")["image"] == "example/api:v2.0.1"
    assert _container(objects, "staging/StatefulSet/db")["image"] == "postgres:16.4"


def test_the_domain_and_access_are_an_ingress(objects: Objects) -> None:
    staging = objects["staging/Ingress/shop"]
    assert staging["metadata"]["annotations"] == {
        "nginx.ingress.kubernetes.io/auth-type": "basic",
        "nginx.ingress.kubernetes.io/auth-secret": "shop-staging-auth",
        "nginx.ingress.kubernetes.io/auth-realm": "shop staging",
    }
    assert staging["spec"] == {
        "ingressClassName": "nginx",
        "rules": [
            {
                "host": "staging.shop.example",
                "http": {
                    "paths": [
                        {
                            "path": "/",
                            "pathType": "Prefix",
                            "backend": {"service": {"name": "api", "port": {"number": 8001}}},
                        }
                    ]
                },
            }
        ],
        "tls": [{"hosts": ["staging.shop.example"], "secretName": "staging-tls"}],
    }
    production = objects["production/Ingress/shop"]
    assert "annotations" not in production["metadata"]  # access: public
    assert production["spec"]["rules"][0]["host"] == "shop.example"
    assert "tls" not in production["spec"]


def test_the_memory_budget_is_a_quota_and_a_limit_range(objects: Objects) -> None:
    quota = objects["staging/ResourceQuota/memory-budget"]["spec"]
    assert quota == {"hard": {"limits.memory": "3Gi", "requests.memory": "3Gi"}}
    limits = objects["staging/LimitRange/memory-budget"]["spec"]
    assert limits == {"limits": [{"type": "Container", "max": {"memory": "3Gi"}}]}


def test_the_kustomization_lists_every_file_and_the_application_s_images(project: Path) -> None:
    files = files_of(project)
    kustomization = yaml.safe_load(files["staging/kustomization.yaml"])
    listed = [name for name in files if name.startswith("staging/") and "kustom" not in name]
    assert sorted(kustomization["resources"]) == sorted(n.split("/")[1] for n in listed)
    assert kustomization["resources"][:2] == ["namespace.yaml", "network-policies.yaml"]
    assert kustomization["images"] == [
        {"name": "example/api", "newTag": "staging"},
        {"name": "example/worker", "newTag": "staging"},
    ]


def test_every_file_is_marked_as_generated(project: Path) -> None:
    for name, text in files_of(project).items():
        environment = name.split("/")[0]
        assert text.startswith(
            f"# Generated by envgen from environments/base.yaml + environments/{environment}"
            f".yaml.\n# Do not edit: change the specs, then run `envgen render {environment}`.\n"
        ), name


def test_no_secret_value_reaches_a_manifest(tmp_path: Path) -> None:
    secret = "s3cr3t-Value-0123456789abcdef"
    spec = Path(kube_project(tmp_path / "p")) / "environments/staging.yaml"
    text = spec.read_text(encoding="utf-8")
    # A default in a secret reference is a value Compose would use: never written here.
    text += f"  worker:\n    environment:\n      TOKEN: ${{WORKER_TOKEN:-{secret}}}\n"
    spec.write_text(text, encoding="utf-8")
    files = files_of(tmp_path / "p")
    assert not [name for name, body in files.items() if secret in body]
    worker = manifests(tmp_path / "p", ["staging"])["staging/Deployment/worker"]
    env = worker["spec"]["template"]["spec"]["containers"][0]["env"]
    assert {
        "name": "TOKEN",
        "valueFrom": {"secretKeyRef": {"name": "shop-vault", "key": "WORKER_TOKEN"}},
    } in env
