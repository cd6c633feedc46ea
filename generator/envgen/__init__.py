"""envgen: one source of truth for every environment of a Docker Compose application."""

__version__ = "0.1.0"
