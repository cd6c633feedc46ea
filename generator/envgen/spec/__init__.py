"""Reads specs into validated environments: YAML with positions, merge over base.yaml, models."""
