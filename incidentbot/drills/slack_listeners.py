"""`/incident drill …`: list the scenarios, open the form, or a facilitator's control.

The form's submission is validated inline, journalled before the ack and applied just after;
so is each control. A word that is neither a control nor a scenario lists the scenarios.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any

from slack_bolt import Ack, App

from incidentbot.drills import control, run
from incidentbot.drills.catalogue import Catalogue, load_catalogue
from incidentbot.drills.control import Control, ControlDrill
from incidentbot.drills.scenario import format_duration
from incidentbot.drills.slack_form import (
    PARTICIPANTS,
    ROLE_BLOCKS,
    SCALE,
    drill_modal,
    selected_users,
)
from incidentbot.drills.slack_ids import DrillCallback
from incidentbot.kernel import commands
from incidentbot.kernel.errors import BotUser, SlackUnavailable, UnknownUser
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.roles import service as roles
from incidentbot.slack import once, parse
from incidentbot.slack.listeners.deps import Deps
from incidentbot.slack.listeners.invocation import Group, Handler, Invocation, Router, Subcommand, Where
from incidentbot.timeline.slack_message_text import readable

NAMES = ("drill", "drills")
RESOLVE = "resolve"


def register(app: App, deps: Deps, router: Router) -> None:
    router.declare(Subcommand(NAMES, _command, "drills/help.toml", Group.MORE, Where.ANYWHERE))
    resolve = router.find(RESOLVE)
    if resolve is not None:
        at = router.table.index(resolve)
        router.table[at] = replace(resolve, handler=partial(_resolve, resolve.handler))
    app.view(DrillCallback.START.value)(_on_submit(deps))


def _resolve(resolve: Handler, inv: Invocation) -> None:
    """`/incident resolve` in a drill's channel ends the drill, as `/incident drill end` does: a
    drill has no resolution form to fill in, and its scorecard is what the team wants next."""
    if not _in_drill(inv.deps, inv.channel_id):
        resolve(inv)
        return
    _control(inv, Control.END, "", template="drills/resolved_as_end.j2")


def _in_drill(deps: Deps, channel_id: str) -> bool:
    with deps.services.store.transaction() as tx:
        incident = tx.incident_by_channel(channel_id) if channel_id else None
    return incident is not None and incident.drill


def catalogue(deps: Deps) -> Catalogue:
    """Read afresh each time: a scenario a team adds to its folder is there without a restart."""
    return load_catalogue(deps.team.drills)


def _command(inv: Invocation) -> None:
    word, _, rest = inv.args.strip().partition(" ")
    word = word.lower()
    if word in {c.value for c in Control}:
        _control(inv, Control(word), rest)
        return
    scenarios = catalogue(inv.deps)
    scenario = scenarios.get(word) if word else None
    if scenario is None:
        inv.reply(_listing(inv.deps, scenarios, unknown=word or None))
        return
    form = drill_modal(inv.deps.renderer, scenario, inv.channel_id, inv.user_id)
    inv.open_modal(lambda: form)


def _listing(deps: Deps, scenarios: Catalogue, unknown: str | None) -> str:
    return deps.renderer.render(
        "drills/list.j2",
        scenarios=[scenarios.scenarios[name] for name in scenarios.names],
        lengths={name: format_duration(s.length) for name, s in scenarios.scenarios.items()},
        problems=[str(problem) for problem in scenarios.problems],
        unknown=unknown,
    )


def _control(inv: Invocation, which: Control, rest: str, template: str = "drills/controlled.j2") -> None:
    deps = inv.deps
    text = readable(rest, deps.workspace.name_of).strip()
    if which is Control.INJECT and not text:
        inv.reply(deps.renderer.render("drills/inject_usage.j2"))
        return
    asked = ControlDrill(user_id=inv.user_id, channel_id=inv.channel_id, control=which, text=text)
    row = commands.submit(deps.services, asked)
    assert row is not None, "journalled without a delivery name"
    inv.later(partial(_controlled, inv, row, template))


def _controlled(inv: Invocation, row: Reminder, template: str) -> None:
    done = commands.apply_submitted(inv.deps.services, row, control.CONTROL)
    if done is not None:
        inv.tell(inv.deps.renderer.render(template, done=done, control=done.control.value))


def _on_submit(deps: Deps) -> Any:
    def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        meta = parse.metadata(view)
        scenario = catalogue(deps).get(str(meta.get("scenario", "")))
        errors = _errors(deps, view, scenario is None)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        assert scenario is not None
        user = str(body["user"]["id"])
        asked = run.StartDrill(
            user_id=user,
            channel_id=meta.get("channel") or None,
            team_id=str((body.get("team") or {}).get("id") or body.get("user", {}).get("team_id") or ""),
            scenario=scenario,
            scale=int(parse.text_value(view, SCALE)),
            participants=selected_users(view, PARTICIPANTS),
            commander=parse.selected_user(view, ROLE_BLOCKS[0]),
            comms=parse.selected_user(view, ROLE_BLOCKS[1]),
            scribe=parse.selected_user(view, ROLE_BLOCKS[2]),
        )
        key = once.delivery_key(body)
        row = commands.submit(deps.services, asked, key)
        ack()
        if row is not None:
            deps.later(
                meta.get("channel") or None, user, partial(_start, deps, row, user, meta.get("channel"))
            )

    return on_submit


def _start(deps: Deps, row: Reminder, user: str, channel: object) -> None:
    incident = commands.apply_submitted(deps.services, row, run.START)
    if incident is not None:
        view = deps.services.view_of(incident.id)
        text = deps.renderer.render("drills/started.j2", incident=view.incident)
        deps.tell(channel if isinstance(channel, str) and channel else None, user, text)


def _errors(deps: Deps, view: dict[str, Any], scenario_gone: bool) -> dict[str, str]:
    label = deps.renderer.label
    errors: dict[str, str] = {}
    scale = parse.text_value(view, SCALE)
    if scenario_gone:
        errors[SCALE] = label("drills.scenario_gone")
    elif not scale.isdigit() or not 1 <= int(scale) <= run.MAX_SCALE:
        errors[SCALE] = label("drills.scale_invalid", max=run.MAX_SCALE)
    for block in (*ROLE_BLOCKS,):
        user = parse.selected_user(view, block)
        if user is not None and (problem := _person_problem(deps, user)):
            errors[block] = label(f"invalid.{problem}")
    for user in selected_users(view, PARTICIPANTS):
        if problem := _person_problem(deps, user):
            errors[PARTICIPANTS] = label(f"invalid.{problem}")
            break
    return errors


def _person_problem(deps: Deps, user: str) -> str | None:
    try:
        roles.check_assignable(deps.services, user)
    except UnknownUser:
        return "user_unknown"
    except BotUser:
        return "user_bot"
    except SlackUnavailable:
        return "user_unchecked"
    return None
