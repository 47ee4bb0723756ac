"""Listing incidents, with the privacy rule applied."""
