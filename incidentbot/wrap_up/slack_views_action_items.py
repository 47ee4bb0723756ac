"""The action item form: validated inline, checked, journalled before the ack, added after."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App

from incidentbot.checker import checking
from incidentbot.slack import parse
from incidentbot.slack.ids import VALUE
from incidentbot.slack.listeners.deps import Deps
from incidentbot.wrap_up import action_items
from incidentbot.wrap_up import slack_blocks_resolution as blocks
from incidentbot.wrap_up.action_item_rules import (
    ACTION_TEXT_MAX,
    ActionDraft,
    ActionInputError,
    Priority,
    check_due,
    success_metric_problem,
)
from incidentbot.wrap_up.errors import InvalidActionItem
from incidentbot.wrap_up.slack_common import checker_config, review_text
from incidentbot.wrap_up.slack_forms import (
    Errors,
    Listener,
    incident_id_of,
    invalid,
    needs_review,
    submit_then_apply,
    submitter,
)
from incidentbot.wrap_up.slack_ids import WrapUpBlock, WrapUpCallback


def register(app: App, deps: Deps) -> None:
    app.view(WrapUpCallback.ACTION_ITEM.value)(_on_action_item(deps))


def _on_action_item(deps: Deps) -> Listener:
    def on_action_item(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        errors, draft = _action_draft(deps, view)
        if errors or draft is None:
            ack(response_action="errors", errors=errors)
            return
        if form := _action_review(deps, view, draft):
            ack(response_action="update", view=form)
            return
        command = action_items.AddActionItem(
            user_id=str(body["user"]["id"]),
            channel_id=submitter(body)[0],
            incident_id=incident_id_of(view),
            draft=draft,
        )
        submit_then_apply(deps, ack, body, command, action_items.ADD)

    return on_action_item


def _action_review(deps: Deps, view: dict[str, Any], draft: ActionDraft) -> dict[str, Any] | None:
    """The form again with findings on the action and its metric, or None to save it now."""
    label = deps.renderer.label
    config = checker_config(deps, incident_id_of(view))
    fields = [
        (label("action_modal.text_label"), draft.text),
        (label("action_modal.metric_label"), draft.success_metric),
    ]
    found = [(name, f) for name, text in fields for f in checking.postmortem_findings(text, config)]
    reviewed = needs_review(view, found, [text for _, text in fields])
    if reviewed is None:
        return None
    return blocks.action_modal(
        deps.renderer,
        incident_id_of(view),
        str(parse.metadata(view).get("channel", "")),
        deps.services.clock.now().date(),
        draft=draft,
        review=review_text(deps, found),
        reviewed=reviewed,
    )


def _action_draft(deps: Deps, view: dict[str, Any]) -> tuple[Errors, ActionDraft | None]:
    text = " ".join(parse.text_value(view, WrapUpBlock.TEXT).split())
    owner = parse.selected_user(view, WrapUpBlock.OWNER)
    metric = parse.text_value(view, WrapUpBlock.METRIC)
    priority = Priority.parse(parse.selected_value(view, WrapUpBlock.PRIORITY) or "") or Priority.P2
    problems: dict[str, str | None] = {
        WrapUpBlock.TEXT: "action_text_empty" if not text else None,
        WrapUpBlock.METRIC: success_metric_problem(metric),
    }
    if len(text) > ACTION_TEXT_MAX:
        problems[WrapUpBlock.TEXT] = "action_text_too_long"
    try:
        action_items.check_owner(deps.services, owner)
    except InvalidActionItem as error:
        problems[WrapUpBlock.OWNER] = error.problem
    due, problems[WrapUpBlock.DUE] = _due(view, deps.services.clock.now().date())
    errors = invalid(deps, problems)
    if errors:
        return errors, None
    return {}, ActionDraft(text=text, owner_id=owner, due_on=due, priority=priority, success_metric=metric)


def _due(view: dict[str, Any], today: date) -> tuple[date | None, str | None]:
    element = ((view.get("state") or {}).get("values") or {}).get(WrapUpBlock.DUE, {}).get(VALUE) or {}
    raw = element.get("selected_date") if isinstance(element, dict) else None
    if not raw:
        return None, None
    try:
        return check_due(date.fromisoformat(str(raw)), today), None
    except ValueError as error:
        problem = error.problem if isinstance(error, ActionInputError) else "due_unparseable"
        return None, problem
