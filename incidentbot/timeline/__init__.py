"""The timeline: notes, marked messages, edits, views and exports."""
