"""Form submissions: resolve, customer/stakeholder/executive texts, the analysis, action items.

Texts for customers, stakeholders and the postmortem go through the communication checker
first; when it finds something, the form comes back as a review (not a refusal).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from typing import Any

from slack_bolt import Ack, App

from incidentbot.domain.action_items import (
    ACTION_TEXT_MAX,
    ActionDraft,
    ActionInputError,
    Priority,
    check_due,
    success_metric_problem,
)
from incidentbot.domain.analysis import (
    MAX_WHYS,
    FactorCategory,
    FiveWhys,
    five_whys_problems,
    text_problem,
)
from incidentbot.domain.comms import CommsAudience, comms_text_problem
from incidentbot.domain.models import Status
from incidentbot.domain.resolution import (
    customer_impact_problem,
    fix_problem,
    parse_users_affected,
    root_cause_problem,
    started_at_problem,
)
from incidentbot.services import action_items, analysis, checking, comms, resolve
from incidentbot.services.resolution_errors import AlreadyResolved, InvalidActionItem, OnlyCommanderResolves
from incidentbot.slack import parse
from incidentbot.slack.blocks import resolution as blocks
from incidentbot.slack.ids import VALUE, WrapUpBlock, WrapUpCallback, why_block
from incidentbot.slack.listeners.deps import Deps, answering_errors
from incidentbot.slack.listeners.resolution_common import checker_config, review_text
from incidentbot.status_page.listening import public_part

Errors = dict[str, str]


def _submitter(body: dict[str, Any]) -> tuple[str | None, str]:
    return parse.metadata(body.get("view") or {}).get("channel"), str(body["user"]["id"])


def _incident_id(view: dict[str, Any]) -> int:
    value = parse.metadata(view).get("incident_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _invalid(deps: Deps, problems: dict[str, str | None]) -> Errors:
    return {block: deps.renderer.label(f"wrapup_invalid.{key}") for block, key in problems.items() if key}


def _needs_review(view: dict[str, Any], found: Sequence[object], texts: Sequence[str]) -> str | None:
    """The digest to review these texts under, or None when they may be saved now."""
    reviewed = parse.metadata(view).get("reviewed")
    current = blocks.digest(texts)
    return current if found and reviewed != current else None


def register(app: App, deps: Deps) -> None:
    submit = answering_errors(deps, _submitter)
    app.view(WrapUpCallback.RESOLVE.value)(submit(_on_resolve(deps)))
    app.view(WrapUpCallback.COMMS_TEXT.value)(submit(_on_comms_text(deps)))
    app.view(WrapUpCallback.FIVE_WHYS.value)(submit(_on_five_whys(deps)))
    app.view(WrapUpCallback.FACTOR.value)(submit(_on_factor(deps)))
    app.view(WrapUpCallback.WENT_WELL.value)(submit(_on_went_well(deps)))
    app.view(WrapUpCallback.ACTION_ITEM.value)(submit(_on_action_item(deps)))


Listener = Callable[..., None]


# resolve -------------------------------------------------------------------------------------


def _on_resolve(deps: Deps) -> Listener:
    def on_resolve(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        incident_id = _incident_id(view)
        user = str(body["user"]["id"])
        errors, given = _resolution_input(deps, incident_id, view)
        if refused := _refusal(deps, incident_id, user):
            errors = refused
        if errors or given is None:
            ack(response_action="errors", errors=errors)
            return
        if form := _resolution_review(deps, incident_id, view):
            ack(response_action="update", view=form)
            return
        ack()
        deps.later(*_submitter(body), partial(resolve.resolve, deps.services, incident_id, given, user))

    return on_resolve


RESOLUTION_TEXTS = (WrapUpBlock.FIX, WrapUpBlock.CUSTOMER_IMPACT, WrapUpBlock.ROOT_CAUSE)


def _resolution_review(deps: Deps, incident_id: int, view: dict[str, Any]) -> dict[str, Any] | None:
    """The form again with findings on the texts that reach the channel and the postmortem."""
    checked: dict[str, str] = {b: deps.renderer.label(f"resolve.{b}_label") for b in RESOLUTION_TEXTS}
    typed: dict[str, str] = {block: parse.text_value(view, block) for block in checked}
    config = checker_config(deps, incident_id)
    found = [(checked[b], f) for b, text in typed.items() for f in checking.postmortem_findings(text, config)]
    reviewed = _needs_review(view, found, list(typed.values()))
    if reviewed is None:
        return None
    channel_id = str(parse.metadata(view).get("channel", ""))
    typed[WrapUpBlock.USERS_AFFECTED] = parse.text_value(view, WrapUpBlock.USERS_AFFECTED)
    started = parse.selected_datetime(view, WrapUpBlock.STARTED_AT)
    return blocks.resolve_modal(
        deps.renderer,
        incident_id,
        channel_id,
        typed=typed,
        started_at=None if started is None else int(started.timestamp()),
        review=review_text(deps, found),
        reviewed=reviewed,
    )


def _refusal(deps: Deps, incident_id: int, user: str) -> Errors:
    """Answered in the form, so what the person wrote is still there to pass on to the commander."""
    try:
        resolve.check_resolvable(deps.services, incident_id, user)
    except OnlyCommanderResolves as refused:
        return {WrapUpBlock.FIX: deps.only_commander_resolves("wrapup_invalid", refused.detail)}
    except AlreadyResolved:
        pass  # Nothing to keep: `resolve` says so once the form has closed.
    return {}


def _resolution_input(
    deps: Deps, incident_id: int, view: dict[str, Any]
) -> tuple[Errors, resolve.ResolutionInput | None]:
    fix = parse.text_value(view, WrapUpBlock.FIX)
    impact = parse.text_value(view, WrapUpBlock.CUSTOMER_IMPACT)
    root_cause = parse.text_value(view, WrapUpBlock.ROOT_CAUSE)
    started_at = parse.selected_datetime(view, WrapUpBlock.STARTED_AT)
    incident = deps.services.view_of(incident_id).incident
    problems: dict[str, str | None] = {
        WrapUpBlock.FIX: fix_problem(fix),
        WrapUpBlock.CUSTOMER_IMPACT: customer_impact_problem(impact),
        WrapUpBlock.ROOT_CAUSE: root_cause_problem(root_cause),
        WrapUpBlock.STARTED_AT: started_at_problem(
            started_at, incident.declared_at, deps.services.clock.now()
        ),
    }
    try:
        users = parse_users_affected(parse.text_value(view, WrapUpBlock.USERS_AFFECTED))
    except ValueError:
        users, problems[WrapUpBlock.USERS_AFFECTED] = None, "users_affected"
    errors = _invalid(deps, problems)
    if errors:
        return errors, None
    return {}, resolve.ResolutionInput(
        fix=fix, customer_impact=impact, users_affected=users, root_cause=root_cause, started_at=started_at
    )


# customer, stakeholder and executive texts ---------------------------------------------------


def _on_comms_text(deps: Deps) -> Listener:
    def on_comms_text(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        meta = parse.metadata(view)
        audience = CommsAudience.parse(str(meta.get("audience", ""))) or CommsAudience.CUSTOMER
        stage = Status.parse(str(meta.get("stage", ""))) or Status.INVESTIGATING
        incident_id = _incident_id(view)
        text = parse.text_value(view, WrapUpBlock.TEXT)
        public = public_part(deps.status_page, view, audience, incident_id)
        if errors := _invalid(deps, {WrapUpBlock.TEXT: comms_text_problem(text)}) | public.errors:
            ack(response_action="errors", errors=errors)
            return
        found = checking.comms_findings(text, audience, stage, checker_config(deps, incident_id))
        if reviewed := _needs_review(view, found, [text]):
            review = review_text(deps, [(None, finding) for finding in found])
            form = blocks.comms_modal(
                deps.renderer,
                deps.services.view_of(incident_id),
                audience=audience,
                stage=stage.value,
                channel_id=str(meta.get("channel", "")),
                text=text,
                review=review,
                reviewed=reviewed,
                extra=public.extra,
            )
            ack(response_action="update", view=form)
            return
        ack()
        save = partial(
            comms.save,
            deps.services,
            incident_id,
            audience,
            text,
            str(body["user"]["id"]),
            findings=found,
            stage=stage,
            stakeholder_channel=deps.team.stakeholder_channel,
            publisher=public.publisher,
        )
        deps.later(*_submitter(body), save)

    return on_comms_text


# postmortem analysis -------------------------------------------------------------------------


def _saved(deps: Deps, body: dict[str, Any], incident_id: int) -> None:
    """Say where the analysis just saved will show, after the ack."""
    incident = deps.services.view_of(incident_id).incident
    note = deps.renderer.label("postmortem_file.saved", label=incident.label)
    deps.tell_later(incident.channel_id, str(body["user"]["id"]), note)


def _on_five_whys(deps: Deps) -> Listener:
    def on_five_whys(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        incident_id = _incident_id(view)
        problem = parse.text_value(view, WrapUpBlock.PROBLEM)
        whys = [parse.text_value(view, why_block(n)) for n in range(1, MAX_WHYS + 1)]
        root_cause = parse.text_value(view, WrapUpBlock.ROOT_CAUSE)
        problems = five_whys_problems(problem, whys, root_cause)
        if problems:
            where = {
                "problem": WrapUpBlock.PROBLEM,
                "whys": why_block(1),
                "root_cause": WrapUpBlock.ROOT_CAUSE,
            }
            errors = _invalid(deps, {where[field]: key for field, key in problems.items()})
            ack(response_action="errors", errors=errors)
            return
        label = deps.renderer.label
        fields = [(label("whys.problem_label"), problem)]
        fields += [(label("whys.why_label", number=n), why) for n, why in enumerate(whys, start=1)]
        fields.append((label("whys.root_cause_label"), root_cause))
        found = [
            (name, f)
            for name, text in fields
            for f in checking.postmortem_findings(text, checker_config(deps, incident_id))
        ]
        if reviewed := _needs_review(view, found, [text for _, text in fields]):
            chain = FiveWhys(problem=problem, whys=tuple(whys), root_cause=root_cause)
            review = review_text(deps, found)
            form = blocks.five_whys_modal(deps.renderer, incident_id, chain, review=review, reviewed=reviewed)
            ack(response_action="update", view=form)
            return
        user = str(body["user"]["id"])
        analysis.add_five_whys(deps.services, incident_id, problem, whys, root_cause, user)
        ack()
        _saved(deps, body, incident_id)

    return on_five_whys


def _on_factor(deps: Deps) -> Listener:
    def on_factor(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        incident_id = _incident_id(view)
        category = FactorCategory.parse(parse.selected_value(view, WrapUpBlock.CATEGORY) or "")
        text = parse.text_value(view, WrapUpBlock.TEXT)
        errors = _invalid(
            deps,
            {
                WrapUpBlock.CATEGORY: None if category else "category_missing",
                WrapUpBlock.TEXT: text_problem(text, empty="factor_empty"),
            },
        )
        if errors or category is None:
            ack(response_action="errors", errors=errors)
            return
        found = checking.postmortem_findings(text, checker_config(deps, incident_id))
        if reviewed := _needs_review(view, found, [category.value, text]):
            review = review_text(deps, [(None, f) for f in found])
            form = blocks.factor_modal(
                deps.renderer,
                incident_id,
                category=category.value,
                text=text,
                review=review,
                reviewed=reviewed,
            )
            ack(response_action="update", view=form)
            return
        analysis.add_factor(deps.services, incident_id, category, text, str(body["user"]["id"]))
        ack()
        _saved(deps, body, incident_id)

    return on_factor


def _on_went_well(deps: Deps) -> Listener:
    def on_went_well(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        incident_id = _incident_id(view)
        text = parse.text_value(view, WrapUpBlock.TEXT)
        if problem := text_problem(text, empty="went_well_empty"):
            ack(response_action="errors", errors=_invalid(deps, {WrapUpBlock.TEXT: problem}))
            return
        found = checking.postmortem_findings(text, checker_config(deps, incident_id))
        if reviewed := _needs_review(view, found, [text]):
            review = review_text(deps, [(None, f) for f in found])
            form = blocks.went_well_modal(
                deps.renderer, incident_id, text=text, review=review, reviewed=reviewed
            )
            ack(response_action="update", view=form)
            return
        analysis.add_went_well(deps.services, incident_id, text, str(body["user"]["id"]))
        ack()
        _saved(deps, body, incident_id)

    return on_went_well


# action items --------------------------------------------------------------------------------


def _on_action_item(deps: Deps) -> Listener:
    def on_action_item(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        errors, draft = _action_draft(deps, view)
        if errors or draft is None:
            ack(response_action="errors", errors=errors)
            return
        if form := _action_review(deps, view, draft):
            ack(response_action="update", view=form)
            return
        added = action_items.record(deps.services, _incident_id(view), draft, str(body["user"]["id"]))
        ack()
        deps.later(*_submitter(body), partial(action_items.announce, deps.services, added))

    return on_action_item


def _action_review(deps: Deps, view: dict[str, Any], draft: ActionDraft) -> dict[str, Any] | None:
    """The form again with findings on the action and its metric, or None to save it now."""
    label = deps.renderer.label
    config = checker_config(deps, _incident_id(view))
    fields = [
        (label("action_modal.text_label"), draft.text),
        (label("action_modal.metric_label"), draft.success_metric),
    ]
    found = [(name, f) for name, text in fields for f in checking.postmortem_findings(text, config)]
    reviewed = _needs_review(view, found, [text for _, text in fields])
    if reviewed is None:
        return None
    return blocks.action_modal(
        deps.renderer,
        _incident_id(view),
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
    errors = _invalid(deps, problems)
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
