"""Business rules that write: typed, keyword-only, atomic functions."""
