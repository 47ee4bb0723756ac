"""Changing an incident's severity and status, and showing its state everywhere."""
