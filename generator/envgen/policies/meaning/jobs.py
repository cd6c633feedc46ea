"""Which services are one-shot jobs (they run and end) and which run for good: declared
by `job:` or `seed: true`, or inferred from a compose profile with no restart."""

from __future__ import annotations

from typing import TYPE_CHECKING

from envgen.policies.meaning.resources import restart_policy

if TYPE_CHECKING:
    from envgen.model.service import Service


def is_job(service: Service) -> bool:
    """A declared job, or a service in a compose profile whose restart policy, in any
    spelling, is `no`: one started on demand that Docker leaves stopped when it ends. A
    service in a profile without that policy may be a long-running one (a monitoring
    stack started by profile) and is held to the long-running rules."""
    if service.job_kind is not None:
        return True
    policy = restart_policy(service)
    return bool(service.profiles) and policy is not None and not policy.restarts
