"""Block Kit is built here and nowhere else; the words come from `templates/`."""
