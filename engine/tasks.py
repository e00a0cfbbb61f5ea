"""Tasks (placeholder until built)."""
