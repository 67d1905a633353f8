"""Fault injection and scale-out tests: killed processes, several servers on one database."""
