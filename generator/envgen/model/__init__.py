"""envgen's models of an environment and its services, and the merge of a spec over base.yaml."""
