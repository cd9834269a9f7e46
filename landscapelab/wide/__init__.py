"""Nguyen's thesis: wide layers, loss topology, decision regions."""
