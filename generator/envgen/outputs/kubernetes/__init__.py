"""The target `kubernetes`: an environment's manifests, one file per service, a Kustomization."""
