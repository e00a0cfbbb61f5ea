"""Runnable SQL scripts of the lifecycle schemes (the demo runs them; they ship as package data)."""
