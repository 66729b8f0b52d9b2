"""The scheduling engine: availability expansion, the one-visit search and its explanations,
pure Python over integer minutes (it imports no Django and nothing of ours outside itself)."""
