"""Each output language's one rule for writing a value: YAML, Compose's meaning, markdown,
shell, make, dotenv and workflow text, each read back by that language's own rules."""
