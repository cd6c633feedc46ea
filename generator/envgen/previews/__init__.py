"""Preview environments: one per pull request, made from a template spec by its id."""
