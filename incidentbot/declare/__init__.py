"""Declaring an incident: the form, the record, and the channel set up step by step."""
