"""envgen's speed goals, measured as ratios and small budgets (see run.py)."""
