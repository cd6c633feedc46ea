"""The assembled project: load every spec, validate it, resolve names across it."""
