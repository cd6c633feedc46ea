"""The release of envgen: read by --version, the cache key and the generated workflows."""

__version__ = "0.1.0"
