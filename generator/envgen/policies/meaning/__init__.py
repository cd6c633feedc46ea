"""What Compose runs for a service, read from every spelling Compose takes: one home per
concept (a memory limit, a restart policy, a bind of source code, a debug mode) that
every rule and the host budget ask."""
