"""examples/kubernetes: the reference application's staging and production on one cluster,
rendered, committed, gated by `check`, and accepted by kubernetes-validate; the shipped
environments stay on Compose."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from envgen.outputs.render import render_project
from envgen.project.load import load_project
from envgen.settings import load_settings

from tests.conftest import REPO, Run
from tests.kube_project import kube_project, kubernetes_validate

EXAMPLE = REPO / "examples" / "kubernetes"
RENDERED = EXAMPLE / "rendered" / "kubernetes"


def test_the_committed_manifests_match_the_specs(run: Run) -> None:
    result = run("--root", EXAMPLE, "check")
    assert (result.exit_code, result.output) == (0, "all 23 generated files are up to date\n")


def test_check_gates_a_manifest_edited_by_hand(run: Run, tmp_path: Path) -> None:
    root = Path(shutil.copytree(EXAMPLE, tmp_path / "example"))
    path = root / "rendered/kubernetes/production/backend.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("replicas: 1", "replicas: 5"))
    result = run("--root", root, "check")
    assert result.exit_code == 1
    assert "rendered/kubernetes/production/backend.yaml: differs from its specs" in result.output
    assert "-  replicas: 5\n+  replicas: 1\n" in result.output


def test_every_committed_manifest_passes_kubernetes_validate_strict() -> None:
    result = kubernetes_validate(RENDERED)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_kubectl_apply_k_finds_every_file() -> None:
    for environment in ("staging", "production"):
        folder = RENDERED / environment
        kustomization = yaml.safe_load((folder / "kustomization.yaml").read_text("utf-8"))
        files = sorted(p.name for p in folder.iterdir() if p.name != "kustomization.yaml")
        assert sorted(kustomization["resources"]) == files
        images = {image["name"]: image["newTag"] for image in kustomization["images"]}
        tag = {"staging": "staging", "production": "v1.3.0"}[environment]
        assert images == {
            "ghcr.io/vpatrin/coupette-backend": tag,
            "ghcr.io/vpatrin/coupette-bot": tag,
            "ghcr.io/vpatrin/coupette-scraper": tag,
        }


def test_staging_and_production_are_two_namespaces_of_one_cluster() -> None:
    project = load_project(load_settings(EXAMPLE))
    found = {env.name: (env.targets, env.namespace, env.host.name) for env in project.environments}
    assert found == {
        "staging": (("kubernetes",), "coupette-staging", "cluster"),
        "production": (("kubernetes",), "coupette-production", "cluster"),
    }
    # Compose's files are not made for an environment that is not on Compose.
    assert not list((EXAMPLE / "rendered").glob("docker-compose.*"))


def test_the_shipped_environments_stay_on_compose() -> None:
    project = load_project(load_settings(REPO))
    assert {env.name: env.targets for env in project.environments} == {
        "local": ("compose",),
        "test": ("compose",),
        "staging": ("compose",),
        "production": ("compose",),
    }
    assert not (REPO / "rendered" / "kubernetes").exists()


def test_the_parity_table_shows_each_environment_s_target() -> None:
    table = (EXAMPLE / "docs" / "ENVIRONMENTS.md").read_text(encoding="utf-8")
    assert "| Target | `kubernetes` | `kubernetes` |\n" in table
    assert "| Compose file | none | none |\n" in table
    assert (
        "| Manifests | `rendered/kubernetes/staging/` (namespace `coupette-staging`) | "
        "`rendered/kubernetes/production/` (namespace `coupette-production`) |\n"
    ) in table
    # A project on Compose alone has no row for what it does not declare.
    shipped = (REPO / "docs" / "ENVIRONMENTS.md").read_text(encoding="utf-8")
    assert "| Target |" not in shipped
    assert "| Manifests |" not in shipped


def test_an_environment_may_render_both_targets(tmp_path: Path) -> None:
    root = kube_project(tmp_path / "p")
    spec = root / "environments/staging.yaml"
    spec.write_text("target: [kubernetes, compose]\n" + spec.read_text(encoding="utf-8"))
    project = load_project(load_settings(root))
    assert project.get("staging").targets == ("compose", "kubernetes")
    paths = {str(path) for path in render_project(project)}
    assert "rendered/docker-compose.staging.yml" in paths
    assert "rendered/kubernetes/staging/api.yaml" in paths
    assert "rendered/docker-compose.production.yml" not in paths
    assert "rendered/kubernetes/production/api.yaml" in paths


def test_diff_compares_environments_whatever_their_targets(run: Run, tmp_path: Path) -> None:
    root = kube_project(tmp_path / "p")
    spec = root / "environments/staging.yaml"
    spec.write_text("target: compose\n" + spec.read_text(encoding="utf-8"))
    result = run("--root", root, "diff", "staging", "production")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "  - target[compose]" in lines
    assert "  + target[kubernetes]" in lines
    added = [line for line in lines if line.startswith("  + kubernetes ")]
    assert len(added) == 1
    assert "namespace=shop-production, ingress_class=nginx" in added[0]
    # What runs is compared as ever: the services of both.
    assert any(line.startswith("  ~ image ") and "example/api" in line for line in lines)


def test_the_files_of_a_removed_service_and_environment_are_stale(run: Run, tmp_path: Path) -> None:
    root = Path(shutil.copytree(EXAMPLE, tmp_path / "example"))
    spec = root / "environments" / "staging.yaml"
    # The seed job is staging's last service: its block runs to the end of the file.
    spec.write_text(spec.read_text(encoding="utf-8").split("  seed:\n")[0], encoding="utf-8")
    (root / "environments" / "production.yaml").unlink()
    result = run("--root", root, "check")
    assert result.exit_code == 1
    stale = sorted(line for line in result.output.splitlines() if "no environment makes it" in line)
    production = sorted((EXAMPLE / "rendered/kubernetes/production").iterdir())
    gone = ": is generated but no environment makes it any more"
    expected = [f"rendered/kubernetes/production/{path.name}{gone}" for path in production]
    assert stale == sorted([f"rendered/kubernetes/staging/seed.yaml{gone}", *expected])
    assert run("--root", root, "render").exit_code == 0
    assert not (root / "rendered/kubernetes/staging/seed.yaml").exists()
    assert not list((root / "rendered/kubernetes/production").iterdir())
    assert (root / "rendered/kubernetes/staging/backend.yaml").exists()


def test_list_shows_no_compose_file_for_an_environment_not_on_compose(run: Run) -> None:
    result = run("--root", EXAMPLE, "list")
    assert result.exit_code == 0
    assert result.output.splitlines()[1].split()[:5] == ["staging", "-", "staging", "cluster", "-"]
