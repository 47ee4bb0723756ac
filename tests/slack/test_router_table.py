"""`/incident help` is generated from the router table the features declare."""

from __future__ import annotations

import re
from pathlib import Path

from incidentbot.rendering import mrkdwn_escape
from incidentbot.slack.app import IncidentApp
from incidentbot.slack.listeners.invocation import Router, Subcommand
from tests.e2e.helpers import declare
from tests.support.harness import RunningBot

ROOT = Path(__file__).resolve().parents[2]
SLACK_TEXT_LIMIT = 4_000
"""Slack truncates message text past 40,000 characters and advises keeping it under 4,000."""


def _table(running: RunningBot) -> list[Subcommand]:
    app = running.bot.app
    assert isinstance(app, IncidentApp)
    return app.router.table


def _reply(running: RunningBot, typed: str, channel_id: str = "C0GENERAL") -> str:
    response = running.client.command(typed, channel_id=channel_id)
    assert response.status == 200
    return response.text


def _words(running: RunningBot, subcommand: Subcommand) -> dict[str, str]:
    words = running.bot.deps.renderer.words(subcommand.words)[subcommand.name]
    return {key: mrkdwn_escape(words[key]) for key in ("usage", "does", "example")}


def test_help_shows_every_declared_subcommand_with_its_usage_and_example(running: RunningBot) -> None:
    table = _table(running)
    assert {"declare", "role", "handoff", "resolve", "note", "update", "help"} <= {s.name for s in table}
    text = _reply(running, "help")
    for subcommand in table:
        words = _words(running, subcommand)
        assert f"• `{words['usage']}`: {words['does']}, e.g. `{words['example']}`" in text, subcommand.name
        assert words["example"].startswith(f"/incident {subcommand.name}"), subcommand.name


def test_help_fits_in_one_slack_message(running: RunningBot) -> None:
    assert len(_reply(running, "help")) <= SLACK_TEXT_LIMIT


def test_help_groups_by_where_the_work_happens(running: RunningBot) -> None:
    text = _reply(running, "help")
    start, respond, wrap_up = (text.index(title) for title in ("*Start", "*While it runs", "*Wrap up"))
    assert start < text.index("`/incident declare") < respond < text.index("`/incident severity") < wrap_up
    assert wrap_up < text.index("`/incident postmortem")


def test_help_for_one_subcommand_shows_its_usage_example_aliases_and_where(running: RunningBot) -> None:
    text = _reply(running, "help sev")
    assert "*`/incident severity &lt;1-4&gt;`*" in text
    assert "Example: `/incident severity 2`" in text
    assert "Also typed as: `/incident sev`" in text
    assert "inside an incident channel" in text
    assert "/incident role" not in text, "one subcommand, not the whole list"
    assert "Works in any channel" in _reply(running, "help list")


def test_help_for_an_unknown_subcommand_says_so_and_lists_them_all(running: RunningBot) -> None:
    text = _reply(running, "help frobnicate")
    assert "I don't know `frobnicate`" in text
    assert "`/incident handoff @person &lt;note&gt;`" in text


def test_unknown_subcommand_answer_is_the_generated_help(running: RunningBot) -> None:
    assert _reply(running, "frobnicate") == "I don't know `frobnicate`. Here is what I can do:\n" + _reply(
        running, "help"
    )


def test_bare_command_in_an_incident_channel_answers_with_the_generated_help(running: RunningBot) -> None:
    incident = declare(running)
    assert _reply(running, "", channel_id=incident.channel_id) == _reply(running, "help")


def test_a_subcommand_added_with_its_line_whole_is_routed_and_listed(running: RunningBot) -> None:
    router = _table_router(running)
    router.add(("wave",), lambda inv: inv.reply("👋"), "`/incident wave`: say hello")
    assert _reply(running, "wave") == "👋"
    assert "• `/incident wave`: say hello" in _reply(running, "help")


def test_help_is_rendered_once_and_again_when_the_table_grows(running: RunningBot) -> None:
    router = _table_router(running)
    first = _reply(running, "help")
    assert router.whole_help(running.bot.deps.renderer) is router.whole_help(running.bot.deps.renderer)
    assert _reply(running, "help") == first
    router.add(("wave",), lambda inv: inv.reply("👋"), "`/incident wave`: say hello")
    assert "• `/incident wave`: say hello" in _reply(running, "help")
    assert "wave" not in first


def _table_router(running: RunningBot) -> Router:
    app = running.bot.app
    assert isinstance(app, IncidentApp)
    return app.router


def test_no_help_line_is_written_outside_the_router_table() -> None:
    """Help's words are in each feature's `help.toml`; nothing else spells out a help line."""
    router = ROOT / "incidentbot" / "slack" / "listeners" / "invocation.py"
    code = "\n".join(p.read_text() for p in (ROOT / "incidentbot").rglob("*.py") if p != router)
    assert "router.add(" not in code, "declare subcommands with router.declare(Subcommand(...))"
    assert not re.search(r"help_line|help_lines|\bhelp_(?:note|timeline|export)\b|wrapup_help", code)
    labels = (ROOT / "templates" / "rendering" / "labels.toml").read_text()
    assert not re.search(r"^\[\w*help\]|^help\w* = ", labels, re.MULTILINE)
    layout = (ROOT / "templates" / "slack" / "help" / "all.j2").read_text()
    assert re.findall(r"/incident \w+", layout) == ["/incident help", "/incident help"], (
        "the layout names no subcommand but help itself"
    )
