"""Execution: session state, one executor, privilege checks, query rewriting, inference, results."""
