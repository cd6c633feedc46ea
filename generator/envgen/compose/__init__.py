"""Compose's own meaning of values: interpolation, command lines, numbers, paths, sizes,
images, and its schema."""
