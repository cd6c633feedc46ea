"""The generated files: one module per output, a registry, and the renderer."""
