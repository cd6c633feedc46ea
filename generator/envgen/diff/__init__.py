"""Compares two environments by meaning, and formats the comparison."""
