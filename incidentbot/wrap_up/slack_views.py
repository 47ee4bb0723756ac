"""Form submissions: resolve, customer/stakeholder/executive texts, the analysis.

Texts for customers, stakeholders and the postmortem go through the communication checker
first; when it finds something, the form comes back as a review (not a refusal).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from incidentbot.checker import checking
from incidentbot.incident.models import Status
from incidentbot.slack import parse
from incidentbot.slack.listeners.deps import Deps
from incidentbot.status_page.slack_listening import public_part
from incidentbot.wrap_up import analysis, comms, resolve
from incidentbot.wrap_up import slack_blocks_resolution as blocks
from incidentbot.wrap_up.analysis_rules import (
    MAX_WHYS,
    FactorCategory,
    FiveWhys,
    five_whys_problems,
    text_problem,
)
from incidentbot.wrap_up.comms_rules import (
    MAX_DRAFT_FINDINGS,
    CommsAudience,
    DraftFinding,
    as_drafted,
    comms_text_problem,
)
from incidentbot.wrap_up.errors import AlreadyResolved, OnlyCommanderResolves
from incidentbot.wrap_up.resolution_rules import (
    customer_impact_problem,
    fix_problem,
    parse_users_affected,
    root_cause_problem,
    started_at_problem,
)
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
from incidentbot.wrap_up.slack_ids import WrapUpBlock, WrapUpCallback, why_block


def register(app: App, deps: Deps) -> None:
    app.view(WrapUpCallback.RESOLVE.value)(_on_resolve(deps))
    app.view(WrapUpCallback.COMMS_TEXT.value)(_on_comms_text(deps))
    app.view(WrapUpCallback.FIVE_WHYS.value)(_on_five_whys(deps))
    app.view(WrapUpCallback.FACTOR.value)(_on_factor(deps))
    app.view(WrapUpCallback.WENT_WELL.value)(_on_went_well(deps))


# resolve -------------------------------------------------------------------------------------


def _on_resolve(deps: Deps) -> Listener:
    def on_resolve(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        incident_id = incident_id_of(view)
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
        command = resolve.ResolveIncident(
            user_id=user, channel_id=submitter(body)[0], incident_id=incident_id, given=given
        )
        submit_then_apply(deps, ack, body, command, resolve.RESOLVE)

    return on_resolve


RESOLUTION_TEXTS = (WrapUpBlock.FIX, WrapUpBlock.CUSTOMER_IMPACT, WrapUpBlock.ROOT_CAUSE)


def _resolution_review(deps: Deps, incident_id: int, view: dict[str, Any]) -> dict[str, Any] | None:
    """The form again with findings on the texts that reach the channel and the postmortem."""
    checked: dict[str, str] = {b: deps.renderer.label(f"resolve.{b}_label") for b in RESOLUTION_TEXTS}
    typed: dict[str, str] = {block: parse.text_value(view, block) for block in checked}
    config = checker_config(deps, incident_id)
    found = [(checked[b], f) for b, text in typed.items() for f in checking.postmortem_findings(text, config)]
    reviewed = needs_review(view, found, list(typed.values()))
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
    errors = invalid(deps, problems)
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
        incident_id = incident_id_of(view)
        text = parse.text_value(view, WrapUpBlock.TEXT)
        public = public_part(deps.status_page, view, audience, incident_id)
        if errors := invalid(deps, {WrapUpBlock.TEXT: comms_text_problem(text)}) | public.errors:
            ack(response_action="errors", errors=errors)
            return
        found = checking.comms_findings(text, audience, stage, checker_config(deps, incident_id))
        drafted = _drafted(meta)
        if reviewed := needs_review(view, found, [text]):
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
                drafted=[[f.rule, f.text] for f in as_drafted(drafted, found)],
            )
            ack(response_action="update", view=form)
            return
        command = comms.PostCommsText(
            user_id=str(body["user"]["id"]),
            channel_id=submitter(body)[0],
            incident_id=incident_id,
            audience=audience,
            text=text,
            findings=tuple(found),
            draft_findings=drafted,
            stage=stage,
            public=public.public,
        )
        submit_then_apply(deps, ack, body, command, comms.SAVE)

    return on_comms_text


def _drafted(meta: dict[str, Any]) -> tuple[DraftFinding, ...]:
    """The findings on the drafts reviewed so far, as the form carried them (`[rule, words]` pairs)."""
    pairs = meta.get("drafted")
    if not isinstance(pairs, list):
        return ()
    return tuple(
        DraftFinding(rule=pair[0], text=pair[1])
        for pair in pairs[:MAX_DRAFT_FINDINGS]
        if isinstance(pair, list) and len(pair) == 2 and all(isinstance(part, str) for part in pair)
    )


# postmortem analysis -------------------------------------------------------------------------


def _save(deps: Deps, ack: Ack, body: dict[str, Any], command: analysis.AddAnalysis) -> None:
    """Journal the entry before the ack; once saved, say where it will show."""

    def saved(_: object) -> None:
        incident = deps.services.view_of(command.incident_id).incident
        note = deps.renderer.label("postmortem_file.saved", label=incident.label)
        deps.tell(incident.channel_id, command.user_id, note)

    submit_then_apply(deps, ack, body, command, analysis.ADD, then=saved)


def _on_five_whys(deps: Deps) -> Listener:
    def on_five_whys(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        incident_id = incident_id_of(view)
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
            errors = invalid(deps, {where[field]: key for field, key in problems.items()})
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
        if reviewed := needs_review(view, found, [text for _, text in fields]):
            chain = FiveWhys(problem=problem, whys=tuple(whys), root_cause=root_cause)
            review = review_text(deps, found)
            form = blocks.five_whys_modal(deps.renderer, incident_id, chain, review=review, reviewed=reviewed)
            ack(response_action="update", view=form)
            return
        channel, user = submitter(body)
        _save(deps, ack, body, analysis.five_whys(incident_id, problem, whys, root_cause, user, channel))

    return on_five_whys


def _on_factor(deps: Deps) -> Listener:
    def on_factor(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        incident_id = incident_id_of(view)
        category = FactorCategory.parse(parse.selected_value(view, WrapUpBlock.CATEGORY) or "")
        text = parse.text_value(view, WrapUpBlock.TEXT)
        errors = invalid(
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
        if reviewed := needs_review(view, found, [category.value, text]):
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
        channel, user = submitter(body)
        _save(deps, ack, body, analysis.factor(incident_id, category, text, user, channel))

    return on_factor


def _on_went_well(deps: Deps) -> Listener:
    def on_went_well(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        incident_id = incident_id_of(view)
        text = parse.text_value(view, WrapUpBlock.TEXT)
        if problem := text_problem(text, empty="went_well_empty"):
            ack(response_action="errors", errors=invalid(deps, {WrapUpBlock.TEXT: problem}))
            return
        found = checking.postmortem_findings(text, checker_config(deps, incident_id))
        if reviewed := needs_review(view, found, [text]):
            review = review_text(deps, [(None, f) for f in found])
            form = blocks.went_well_modal(
                deps.renderer, incident_id, text=text, review=review, reviewed=reviewed
            )
            ack(response_action="update", view=form)
            return
        channel, user = submitter(body)
        _save(deps, ack, body, analysis.went_well(incident_id, text, user, channel))

    return on_went_well
