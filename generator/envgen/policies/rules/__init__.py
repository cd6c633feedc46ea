"""The rule families, one module per family; the registry in policies/__init__.py orders them."""
