"""What envgen adds to Compose's model that a spec did not write, each addition a switch.

docs/reference/additions.md lists them; tests/test_additions.py proves, for random specs,
that the rendered model differs from the spec's own Compose text by these alone.
"""

from __future__ import annotations

from pydantic import Field

from envgen.model.fields import Model


class Additions(Model):
    """envgen's additions to the compose file, each on unless the spec turns it off
    (usually once, in base.yaml)."""

    project_name: bool = Field(
        True,
        description="write the project's name (`name:`, from `compose_project`) and so pin "
        "the Docker names of its volumes and networks; off: Compose names the project from "
        "the folder of the file, or `-p`, which the generated make targets and workflows pass",
    )
    proxy_alias: bool = Field(
        True,
        description="give the proxy's service an alias unique to the environment "
        "(`<project>-<service>`) on the proxy's network, the name the Caddyfile routes to; "
        "off: the Caddyfile routes to the service's own name",
    )
    build_left_out: bool = Field(
        True,
        description="leave out `build` where the environment runs released images "
        "(`image_tag`, `image_tag_required`); off: `build` is kept beside the image",
    )
