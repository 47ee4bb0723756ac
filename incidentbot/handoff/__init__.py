"""Handing command over: `/incident handoff @person <note>`."""
