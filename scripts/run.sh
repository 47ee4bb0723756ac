#!/usr/bin/env bash
# Set up a virtual environment with the bot and start it (settings come from the environment).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet -e .
exec .venv/bin/python app.py
