"""A preview template's block and the ids and names each preview takes from it."""
