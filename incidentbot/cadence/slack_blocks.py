"""The update form (its messages are in `slack_messages.py`)."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    DateTimePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
)

from incidentbot.cadence.slack_ids import FAR_CONFIRMED_OPTION, CadenceBlock, CadenceCallback
from incidentbot.cadence.update_rules import FIELD_MAX, Update, default_preset, next_update_presets
from incidentbot.declare.slack_blocks import severity_option
from incidentbot.incident.models import Severity, Status
from incidentbot.kernel.ports import IncidentView
from incidentbot.rendering import Renderer
from incidentbot.slack.blocks.common import modal
from incidentbot.slack.ids import VALUE

NO_FIXED_TIME = "none"
OPTION_TEXT_MAX = 75


# the form ------------------------------------------------------------------------------------


def update_modal(renderer: Renderer, view: IncidentView, previous: Update | None) -> dict[str, Any]:
    label = renderer.label
    incident = view.incident
    blocks = [
        _select(CadenceBlock.STATUS, label("update.status_label"), _status_options(), incident.status.value),
        _select(
            CadenceBlock.SEVERITY,
            label("update.severity_label"),
            [severity_option(s, view.policy) for s in Severity],
            str(int(incident.severity)),
        ),
        _text(
            CadenceBlock.THEORY,
            label("update.theory_label"),
            label("update.theory_hint"),
            _prior(previous, "theory"),
        ),
        _text(CadenceBlock.TRIED, label("update.tried_label"), None, _prior(previous, "tried")),
        _text(
            CadenceBlock.DOING,
            label("update.doing_label"),
            label("update.doing_hint"),
            _prior(previous, "doing"),
        ),
        _text(
            CadenceBlock.IMPACT,
            label("update.impact_label"),
            label("update.impact_hint"),
            previous.impact if previous else incident.impact,
        ),
        _text(
            CadenceBlock.CUSTOMER_TEXT,
            label("update.customer_label"),
            label("update.customer_hint"),
            _prior(previous, "customer_text"),
        ),
        _preset_select(renderer, view),
        InputBlock(
            block_id=CadenceBlock.NEXT_AT,
            label=label("update.next_at_label"),
            hint=label("update.next_at_hint"),
            optional=True,
            element=DateTimePickerElement(action_id=VALUE),
        ),
        _far_confirmation(renderer),
    ]
    metadata = {"incident_id": incident.id, "channel": incident.channel_id}
    return modal(renderer, CadenceCallback.POST_UPDATE, "update", blocks, metadata)


def _far_confirmation(renderer: Renderer) -> InputBlock:
    """Needed only for a next update more than a day away; the form's error points here then."""
    option = Option(value=FAR_CONFIRMED_OPTION, label=renderer.label("update.far_option"))
    return InputBlock(
        block_id=CadenceBlock.NEXT_FAR,
        label=renderer.label("update.far_label"),
        optional=True,
        element=CheckboxesElement(action_id=VALUE, options=[option]),
    )


def _prior(previous: Update | None, name: str) -> str:
    return str(getattr(previous, name) or "") if previous else ""


def _status_options() -> list[Option]:
    return [Option(value=status.value, label=status.value.capitalize()) for status in Status]


def _select(block: CadenceBlock, label: str, options: list[Option], initial: str) -> InputBlock:
    chosen = next((option for option in options if option.value == initial), options[0])
    return InputBlock(
        block_id=block,
        label=label,
        element=StaticSelectElement(action_id=VALUE, options=options, initial_option=chosen),
    )


def _text(block: CadenceBlock, label: str, hint: str | None, initial: str | None) -> InputBlock:
    return InputBlock(
        block_id=block,
        label=label,
        hint=hint,
        optional=True,
        element=PlainTextInputElement(
            action_id=VALUE,
            multiline=True,
            max_length=FIELD_MAX,
            # Slack refuses a view whose initial value is longer than the field allows.
            initial_value=(initial or "")[:FIELD_MAX] or None,
        ),
    )


def _preset_select(renderer: Renderer, view: IncidentView) -> InputBlock:
    severity = view.incident.severity
    cadence = default_preset(view.policy, severity)
    options = []
    for minutes in next_update_presets(view.policy, severity):
        key = "update.preset_cadence" if minutes == cadence else "update.preset_minutes"
        text = renderer.label(key, minutes=minutes, severity=severity.label)
        options.append(Option(value=str(minutes), label=text[:OPTION_TEXT_MAX]))
    if cadence is None:
        options.append(Option(value=NO_FIXED_TIME, label=renderer.label("update.preset_none")))
    initial = next(o for o in options if o.value == (str(cadence) if cadence else NO_FIXED_TIME))
    return InputBlock(
        block_id=CadenceBlock.NEXT_PRESET,
        label=renderer.label("update.next_preset_label"),
        hint=renderer.label("update.next_preset_hint"),
        optional=True,
        element=StaticSelectElement(action_id=VALUE, options=options, initial_option=initial),
    )
