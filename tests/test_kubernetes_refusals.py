"""What has no meaning on a cluster is refused at its spec line, exit 2, nothing written;
the same keys pass for an environment that stays on Compose."""

from __future__ import annotations

from pathlib import Path

import pytest
from envgen.project.load import load_project
from envgen.settings import load_settings

from tests.conftest import Run, spec_position
from tests.kube_project import kube_project

# (block added to staging.yaml, the line's text, where on it the problem is, the problem)
CASES = [
    pytest.param(
        (
            "  worker:\n    env_file: [{path: .env.worker, required: false}]\n",
            "    env_file: [{path",
            "{path",
            "services.worker.env_file.0: an env_file has no Kubernetes mapping: its values would "
            "reach the manifests (name the variables under `environment`, secrets as ${VAR} from "
            "the Secret)",
        ),
        id="env_file",
    ),
    pytest.param(
        (
            "  worker:\n    environment:\n      REGION:\n",
            "      REGION:",
            14,  # where its value (none) would be
            "services.worker.environment.REGION: `REGION` takes its value from Compose's shell, "
            "which a cluster has not (give it a value, or a secret ${VAR})",
        ),
        id="variable-from-the-shell",
    ),
    pytest.param(
        (
            "  worker:\n    user: app\n",
            "    user: app",
            None,
            "services.worker.user: user `app` is a name: Kubernetes runs containers as numbers "
            "only (write UID or UID:GID)",
        ),
        id="user-by-name",
    ),
    pytest.param(
        (
            "  worker:\n    network_mode: host\n",
            "    network_mode: host",
            None,
            "services.worker.network_mode: `network_mode: host` has no place on a cluster: a pod "
            "on the node's network escapes every NetworkPolicy (remove it for this target)",
        ),
        id="network-mode-host",
    ),
    pytest.param(
        (
            "  worker:\n    devices: [/dev/fuse]\n",
            "    devices: [/dev/fuse]",
            "[/dev",
            "services.worker.devices: `devices` has no Kubernetes mapping in envgen (remove it, "
            "or keep this environment on the target compose)",
        ),
        id="unmapped-key",
    ),
    pytest.param(
        (
            "  worker:\n    pull_policy: build\n",
            "    pull_policy: build",
            None,
            "services.worker.pull_policy: `pull_policy: build` has no Kubernetes mapping (use "
            "always, missing, if_not_present, never)",
        ),
        id="pull-policy-build",
    ),
    pytest.param(
        (
            "  worker:\n    deploy:\n      placement:\n        constraints: [node.role==manager]\n",
            "        constraints: [node",
            "constraints",
            "services.worker.deploy.placement: `deploy.placement` has no Kubernetes mapping "
            "(remove it, or keep this environment on the target compose)",
        ),
        id="deploy-placement",
    ),
    pytest.param(
        (
            "  worker:\n    volumes:\n      - ./config:/etc/config\n",
            "      - ./config:/etc/config",
            "./config",
            "services.worker.volumes.0: bind mount of the folder `./config`: source code is built "
            "into the image on a cluster (remove it for this target (build the image instead))",
        ),
        id="source-code-bind",
    ),
    pytest.param(
        (
            "  worker:\n    volumes:\n      - ~/.netrc:/root/.netrc\n",
            "      - ~/.netrc:/root/.netrc",
            "~/",
            "services.worker.volumes.0: `~/.netrc` is in a home folder, which no node has for "
            "a pod",
        ),
        id="bind-of-a-home-folder",
    ),
    pytest.param(
        (
            "  worker:\n    volumes:\n      - ./config/missing.toml:/etc/missing.toml\n",
            "      - ./config/missing.toml",
            "./config",
            "services.worker.volumes.0: `./config/missing.toml` is not a file in the project "
            "(create it, or fix the path)",
        ),
        id="bind-of-no-file",
    ),
    pytest.param(
        (
            "  worker:\n    volumes:\n      - dbdata:/data\n",
            "      - dbdata:/data",
            "dbdata",
            # Both mounts are reported: the spec's own, then db's in base.yaml, under the
            # environment it breaks.
            "{here}services.worker.volumes.0: volume `dbdata` is shared by several services: a "
            "claim of each StatefulSet is its own (give each service its own volume)\n"
            "staging:\n"
            "{base}services.db.volumes.0: volume `dbdata` is shared by several services: a claim "
            "of each StatefulSet is its own (give each service its own volume)",
        ),
        id="volume-shared",
    ),
    pytest.param(
        (
            "volumes:\n  scratch: {}\n<>  migrate:\n    volumes:\n      - scratch:/scratch\n",
            "      - scratch:/scratch",
            "scratch",
            "services.migrate.volumes.0: a one-shot job keeps no volume of its own on a cluster "
            "(remove it, or keep this environment on the target compose)",
        ),
        id="job-with-volume",
    ),
    pytest.param(
        (
            "  worker:\n    environment:\n      REGION: ${REGION}\n",
            "      REGION: ${REGION}",
            None,
            "services.worker.environment.REGION: `${REGION}` has no value on a cluster: "
            "Kubernetes reads no variables file (write a default, `${REGION:-value}`, or name it "
            "as a secret)",
        ),
        id="variable-without-value",
    ),
    pytest.param(
        (
            "  worker:\n    environment:\n      MODE: ${FAST:+fast}\n",
            "      MODE: ${FAST:+fast}",
            None,
            "services.worker.environment.MODE: `${FAST:+...}` depends on a variable no cluster "
            "sets (write the value it stands for)",
        ),
        id="variable-alternative",
    ),
    pytest.param(
        (
            "  worker:\n    command: run --region ${REGION:-eu}\n",
            "    command: run --region",
            "run",
            "services.worker.command: a command string with `${...}` in it: write the command as "
            "a list",
        ),
        id="command-string-with-reference",
    ),
    pytest.param(
        (
            "secrets:\n  cert:\n    file: ./config/app.toml\n",
            "    file: ./config/app.toml",
            "file",
            "secrets.cert: Docker's top-level `secrets` have no Kubernetes mapping in envgen (use "
            "secret variables (a Secret) or a bind-mounted project file (a ConfigMap))",
        ),
        id="top-level-secrets",
    ),
    pytest.param(
        (
            "volumes:\n  dbdata:\n    driver: local\n",
            "    driver: local",
            None,
            "volumes.dbdata.driver: volume option `driver` has no Kubernetes mapping (a claim's "
            "storage class is the cluster's; remove it for this target)",
        ),
        id="volume-driver",
    ),
    pytest.param(
        (
            "  worker_2:\n    image: example/worker:1.0\n    memory: 64m\n",
            "    image: example/worker:1.0",
            "image",
            "services.worker_2: `worker_2` is not a Kubernetes name (use a-z, 0-9 and - only)",
        ),
        id="service-name",
    ),
    pytest.param(
        (
            "  worker:\n    environment:\n      PEER: http://spare/ping\n",
            "      PEER: http://spare/ping",
            None,
            "services.worker.environment.PEER: `worker` reaches `spare`, which listens on no port "
            "the spec names (add `expose: [PORT]` to `spare`, or `kubernetes.ports.spare: [PORT]`)",
        ),
        id="reached-without-a-port",
    ),
    pytest.param(
        (
            "image_tag: staging=>image_tag_required: set IMAGE_TAG",
            "image_tag_required: set",
            None,
            "image_tag_required: a cluster reads no IMAGE_TAG when it applies manifests (set "
            "`image_tag`; `kustomize edit set image` changes it at deploy)",
        ),
        id="image-tag-required",
    ),
]


def _edit(text: str, block: str) -> str:
    """`old=>new` replaces a line; `top<>rest` puts `top` first and `rest` last; a block
    of top-level keys goes first, a block of services last (under staging's `services`)."""
    if "=>" in block:
        old, new = block.split("=>")
        return text.replace(old, new)
    if "<>" in block:
        top, rest = block.split("<>")
        return top + text + rest
    if block.startswith(("volumes:", "secrets:")):
        return block + text
    return text + block


Case = tuple[str, str, str | int | None, str]


@pytest.mark.parametrize("case", CASES)
def test_a_refusal_at_its_line(run: Run, tmp_path: Path, case: Case) -> None:
    block, needle, at, problem = case
    root = kube_project(tmp_path / "p")
    spec = root / "environments/staging.yaml"
    spec.write_text(_edit(spec.read_text(encoding="utf-8"), block), encoding="utf-8")
    if isinstance(at, int):
        line = spec_position(root, "staging.yaml", needle, needle.strip()).rsplit(":", 1)[0]
        position = f"{line}:{at}"
    else:
        position = spec_position(root, "staging.yaml", needle, at)
    base = spec_position(root, "base.yaml", "      - dbdata:/var/lib/postgresql/data", "dbdata")
    if "{here}" not in problem:
        problem = "{here}" + problem
    lines = problem.replace("{here}", f"{position}: ").replace("{base}", f"{base}: ")
    count = lines.count("\n") + 1 - lines.count("\nstaging:\n")
    summary = "1 error" if count == 1 else f"{count} errors"
    result = run("--root", root, "render")
    assert (result.exit_code, result.output) == (2, f"{lines}\n{summary}\n")
    assert not (root / "rendered").exists()


def test_an_environment_built_from_source_is_refused_at_its_target(
    run: Run, tmp_path: Path
) -> None:
    root = kube_project(tmp_path / "p")
    spec = root / "environments/staging.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("image_tag: staging\n", ""))
    result = run("--root", root, "validate")
    position = spec_position(root, "base.yaml", "target: kubernetes")
    expected = (
        f"staging:\n{position}: target: a cluster pulls images and "
        "builds none: this environment builds from source (set `image_tag` to the tag CI "
        "pushes)\n1 error\n"
    )
    assert (result.exit_code, result.output) == (2, expected)


def test_the_same_keys_load_for_an_environment_on_compose(tmp_path: Path) -> None:
    """The near miss: what is refused is refused for the target kubernetes only."""
    root = kube_project(tmp_path / "p")
    spec = root / "environments/staging.yaml"
    text = spec.read_text(encoding="utf-8")
    text = "target: compose\n" + text + "  worker:\n    devices: [/dev/fuse]\n    user: app\n"
    spec.write_text(text, encoding="utf-8")
    env = load_project(load_settings(root)).get("staging")
    assert env.targets == ("compose",)
    assert env.services["worker"].user == "app"
