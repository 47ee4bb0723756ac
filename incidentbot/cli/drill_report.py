"""`python -m incidentbot drill report N`: drill #N's scorecard as a Markdown file, for the debrief."""

from __future__ import annotations

from typing import TextIO

from sqlalchemy.exc import SQLAlchemyError

from incidentbot.config import ConfigError, load_settings, load_team_config
from incidentbot.drills.render_scorecard_file import markdown
from incidentbot.drills.scorecard import scorecard_of
from incidentbot.store.db import make_engine, migrate
from incidentbot.store.sql import SqlStore

EXIT_OK = 0
EXIT_NOT_FOUND = 1
EXIT_USAGE = 2


def report(number: int, stdout: TextIO, stderr: TextIO) -> int:
    try:
        settings = load_settings()
        team = load_team_config(settings.incidentbot_config)
    except ConfigError as error:
        print(f"incidentbot drill: {error}", file=stderr)
        return EXIT_USAGE
    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
        store = SqlStore(engine)
        with store.transaction() as tx:
            drills = [incident for incident in tx.incidents_numbered(number) if incident.drill]
        card = scorecard_of(store, drills[0].id) if len(drills) == 1 else None
    except SQLAlchemyError as error:
        print(f"incidentbot drill: cannot read the database ({type(error).__name__})", file=stderr)
        return EXIT_NOT_FOUND
    finally:
        engine.dispose()
    if card is None:
        print(
            f"incidentbot drill: #{number} is not a drill that has ended; its scorecard comes at its end "
            "(`/incident drill end` in its channel)",
            file=stderr,
        )
        return EXIT_NOT_FOUND
    stdout.write(markdown(card, drills[0], team.policy))
    return EXIT_OK
