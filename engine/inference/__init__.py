"""Model methods in SQL: call sites, plans, the fast batch path, table methods, loading and the model cache."""
