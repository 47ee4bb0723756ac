"""Run incidentbot: Socket Mode when SLACK_APP_TOKEN is set, HTTP mode otherwise."""

from __future__ import annotations

import sys

from incidentbot.main import main

if __name__ == "__main__":
    sys.exit(main())
