"""Slack's element-level Block Kit rules, as the fake Slack enforces them.

Slack validates every block element against its schema and refuses the whole message or view
when one field breaks a rule (``invalid_blocks`` for chat.*, ``invalid_arguments`` for views.*,
each with a ``[json-pointer:…]`` in ``response_metadata.messages``). The limits below are the
documented ones (docs.slack.dev, "Block Kit" reference: blocks, block elements, composition
objects, view objects).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

Json = dict[str, Any]

MAX_ID = 255  # action_id, block_id, callback_id
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_URL = 3000
MAX_PLACEHOLDER = 150
MAX_INPUT_LENGTH = 3000  # plain_text_input min_length/max_length bound
MAX_LABEL = 2000  # input block label and hint
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_OPTION_DESCRIPTION = 75
MAX_SELECT_OPTIONS = 100
MAX_CHOICE_OPTIONS = 10  # checkboxes, radio_buttons
OVERFLOW_OPTIONS = (2, 5)
MAX_VIEW_BUTTON = 24  # modal submit and close
MAX_CONFIRM_TITLE = 100
MAX_CONFIRM_TEXT = 300
MAX_CONFIRM_BUTTON = 30
MAX_IMAGE_ALT = 2000
MAX_HEADER_TEXT = 150

SELECTS = frozenset(
    {
        "static_select",
        "multi_static_select",
        "users_select",
        "multi_users_select",
        "conversations_select",
        "multi_conversations_select",
        "channels_select",
        "multi_channels_select",
        "external_select",
        "multi_external_select",
    }
)
INPUT_ELEMENTS = SELECTS | {
    "plain_text_input",
    "datepicker",
    "timepicker",
    "datetimepicker",
    "checkboxes",
    "radio_buttons",
    "email_text_input",
    "url_text_input",
    "number_input",
    "rich_text_input",
    "file_input",
}


class BlockKitProblem(Exception):
    """One broken rule; ``pointer`` is the JSON pointer Slack names in its error message."""

    def __init__(self, message: str, pointer: str) -> None:
        super().__init__(f"{message} [json-pointer:{pointer}]")


def _text(obj: Any) -> str:
    return str(obj.get("text", "")) if isinstance(obj, dict) else ""


def _check_text(obj: Any, limit: int, pointer: str, *, required: bool = True, plain: bool = False) -> None:
    if obj is None and not required:
        return
    if not isinstance(obj, dict) or obj.get("type") not in ("plain_text", "mrkdwn"):
        raise BlockKitProblem("must be a text object", pointer)
    if plain and obj["type"] != "plain_text":
        raise BlockKitProblem("must be a plain_text text object", f"{pointer}/type")
    if not 0 < len(_text(obj)) <= limit:
        raise BlockKitProblem(f"must be between 1 and {limit} characters", f"{pointer}/text")


def _check_length(value: Any, limit: int, pointer: str) -> None:
    if value is not None and not 0 < len(str(value)) <= limit:
        raise BlockKitProblem(f"must be between 1 and {limit} characters", pointer)


def _check_option(option: Any, pointer: str) -> None:
    if not isinstance(option, dict):
        raise BlockKitProblem("must be an option object", pointer)
    _check_text(option.get("text"), MAX_OPTION_TEXT, f"{pointer}/text")
    if option.get("value") is None:
        raise BlockKitProblem("missing required field: value", pointer)
    _check_length(option["value"], MAX_OPTION_VALUE, f"{pointer}/value")
    _check_text(option.get("description"), MAX_OPTION_DESCRIPTION, f"{pointer}/description", required=False)


def _options_of(element: Json) -> list[Any]:
    groups = element.get("option_groups")
    if isinstance(groups, list):
        return [o for g in groups if isinstance(g, dict) for o in g.get("options") or []]
    options = element.get("options")
    return options if isinstance(options, list) else []


def _check_options(element: Json, bounds: tuple[int, int], pointer: str) -> None:
    options = _options_of(element)
    low, high = bounds
    if not low <= len(options) <= high:
        raise BlockKitProblem(f"options must have between {low} and {high} items", f"{pointer}/options")
    for index, option in enumerate(options):
        _check_option(option, f"{pointer}/options/{index}")
    values = [o.get("value") for o in options]
    for key in ("initial_option", "initial_options"):
        chosen = element.get(key)
        picked = [chosen] if key == "initial_option" and chosen is not None else (chosen or [])
        # Slack matches an initial option on both value and text against the listed options.
        if any(not isinstance(p, dict) or p not in options for p in picked):
            raise BlockKitProblem(f"{key} must match one of the options", f"{pointer}/{key}")
    if len(set(map(str, values))) != len(values):
        raise BlockKitProblem("option values must be unique", f"{pointer}/options")


def _check_plain_text_input(element: Json, pointer: str) -> None:
    low, high = element.get("min_length"), element.get("max_length")
    if high is not None and not (isinstance(high, int) and 1 <= high <= MAX_INPUT_LENGTH):
        raise BlockKitProblem(f"max_length must be between 1 and {MAX_INPUT_LENGTH}", f"{pointer}/max_length")
    if low is not None and not (isinstance(low, int) and 0 <= low <= MAX_INPUT_LENGTH):
        raise BlockKitProblem(f"min_length must be between 0 and {MAX_INPUT_LENGTH}", f"{pointer}/min_length")
    if low is not None and high is not None and low > high:
        raise BlockKitProblem("min_length must not exceed max_length", f"{pointer}/min_length")
    initial = element.get("initial_value")
    if initial is not None and high is not None and len(str(initial)) > high:
        raise BlockKitProblem("initial_value must not be longer than max_length", f"{pointer}/initial_value")


def _number(value: Any, decimal: bool) -> float | None:
    text = str(value)
    pattern = r"-?\d+(\.\d+)?" if decimal else r"-?\d+"
    return float(text) if re.fullmatch(pattern, text) else None


def _check_number_input(element: Json, pointer: str) -> None:
    decimal = element.get("is_decimal_allowed")
    if not isinstance(decimal, bool):
        raise BlockKitProblem("missing required field: is_decimal_allowed", pointer)
    bounds: dict[str, float] = {}
    for key in ("min_value", "max_value", "initial_value"):
        if element.get(key) is None:
            continue
        number = _number(element[key], decimal)
        if number is None:
            raise BlockKitProblem(
                f"{key} must be a {'decimal' if decimal else 'whole'} number", f"{pointer}/{key}"
            )
        bounds[key] = number
    low, high = bounds.get("min_value", float("-inf")), bounds.get("max_value", float("inf"))
    if low > high:
        raise BlockKitProblem("min_value must not exceed max_value", f"{pointer}/min_value")
    if not low <= bounds.get("initial_value", low) <= high:
        raise BlockKitProblem(
            "initial_value must lie between min_value and max_value", f"{pointer}/initial_value"
        )


def _check_picker(element: Json, key: str, pattern: str, pointer: str) -> None:
    if element.get(key) is not None and not re.fullmatch(pattern, str(element[key])):
        raise BlockKitProblem(f"{key} is not in the format Slack takes", f"{pointer}/{key}")


def _check_confirm(confirm: Any, pointer: str) -> None:
    if confirm is None:
        return
    if not isinstance(confirm, dict):
        raise BlockKitProblem("must be a confirmation object", pointer)
    _check_text(confirm.get("title"), MAX_CONFIRM_TITLE, f"{pointer}/title", plain=True)
    _check_text(confirm.get("text"), MAX_CONFIRM_TEXT, f"{pointer}/text")
    _check_text(confirm.get("confirm"), MAX_CONFIRM_BUTTON, f"{pointer}/confirm", plain=True)
    _check_text(confirm.get("deny"), MAX_CONFIRM_BUTTON, f"{pointer}/deny", plain=True)


def check_element(element: Any, pointer: str) -> None:
    """Raise BlockKitProblem if Slack would refuse this interactive or input element."""
    if not isinstance(element, dict) or not element.get("type"):
        raise BlockKitProblem("missing required field: type", pointer)
    kind = element["type"]
    _check_length(element.get("action_id"), MAX_ID, f"{pointer}/action_id")
    _check_text(
        element.get("placeholder"), MAX_PLACEHOLDER, f"{pointer}/placeholder", required=False, plain=True
    )
    _check_confirm(element.get("confirm"), f"{pointer}/confirm")
    if kind == "button":
        _check_text(element.get("text"), MAX_BUTTON_TEXT, f"{pointer}/text", plain=True)
        _check_length(element.get("value"), MAX_BUTTON_VALUE, f"{pointer}/value")
        _check_length(element.get("url"), MAX_URL, f"{pointer}/url")
    elif kind == "plain_text_input":
        _check_plain_text_input(element, pointer)
    elif kind in ("static_select", "multi_static_select"):
        _check_options(element, (1, MAX_SELECT_OPTIONS), pointer)
    elif kind in ("checkboxes", "radio_buttons"):
        _check_options(element, (1, MAX_CHOICE_OPTIONS), pointer)
    elif kind == "overflow":
        _check_options(element, OVERFLOW_OPTIONS, pointer)
    elif kind == "number_input":
        _check_number_input(element, pointer)
    elif kind == "datepicker":
        _check_picker(element, "initial_date", r"\d{4}-\d{2}-\d{2}", pointer)
    elif kind == "timepicker":
        _check_picker(element, "initial_time", r"\d{2}:\d{2}", pointer)
    elif kind == "datetimepicker":
        _check_picker(element, "initial_date_time", r"\d+", pointer)
    elif kind == "image":
        _check_length(element.get("alt_text"), MAX_IMAGE_ALT, f"{pointer}/alt_text")


def _elements_of(block: Json, pointer: str) -> Iterator[tuple[Any, str]]:
    if block.get("type") in ("actions", "context"):
        for index, element in enumerate(block.get("elements") or []):
            yield element, f"{pointer}/elements/{index}"
    if "accessory" in block:
        yield block["accessory"], f"{pointer}/accessory"
    if block.get("type") == "input":
        yield block.get("element"), f"{pointer}/element"


def _check_input_block(block: Json, pointer: str) -> None:
    _check_text(block.get("label"), MAX_LABEL, f"{pointer}/label", plain=True)
    _check_text(block.get("hint"), MAX_LABEL, f"{pointer}/hint", required=False, plain=True)
    element = block.get("element")
    if not isinstance(element, dict) or element.get("type") not in INPUT_ELEMENTS:
        raise BlockKitProblem("input block needs an input element", f"{pointer}/element")


def check_block(block: Json, pointer: str) -> None:
    """Element-level rules of one block (block-level counts are checked by the caller)."""
    _check_length(block.get("block_id"), MAX_ID, f"{pointer}/block_id")
    if block.get("type") == "input":
        _check_input_block(block, pointer)
    seen: set[str] = set()
    for element, where in _elements_of(block, pointer):
        is_text = isinstance(element, dict) and element.get("type") in ("plain_text", "mrkdwn")
        if is_text:
            continue
        check_element(element, where)
        action_id = element.get("action_id")
        # Slack: an action_id "should be unique among all other action_ids in the containing block".
        if action_id is not None and action_id in seen:
            raise BlockKitProblem(f"duplicate action_id {action_id!r}", f"{where}/action_id")
        if action_id is not None:
            seen.add(str(action_id))


TEXT_TYPES = ("plain_text", "mrkdwn")
# Slack's text object: "emoji" is only usable on plain_text, "verbatim" only on mrkdwn.
ONLY_ON = {"emoji": "plain_text", "verbatim": "mrkdwn"}


def check_text_objects(node: Any, pointer: str) -> None:
    """Every text object anywhere under ``node`` carries only the fields its type allows."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            check_text_objects(item, f"{pointer}/{index}")
        return
    if not isinstance(node, dict):
        return
    if node.get("type") in TEXT_TYPES:
        for key, kind in ONLY_ON.items():
            if key in node and node["type"] != kind:
                raise BlockKitProblem(f"{key} is only allowed on {kind} text", f"{pointer}/{key}")
        return
    for key, value in node.items():
        check_text_objects(value, f"{pointer}/{key}")


def blocks_element_problem(blocks: Any, root: str = "/blocks") -> str | None:
    """Why Slack would refuse these blocks on an element-level rule, or None."""
    for index, block in enumerate(blocks if isinstance(blocks, list) else []):
        if not isinstance(block, dict):
            continue
        try:
            check_text_objects(block, f"{root}/{index}")
            if block.get("type") == "header":
                _check_text(block.get("text"), MAX_HEADER_TEXT, f"{root}/{index}/text", plain=True)
            check_block(block, f"{root}/{index}")
        except BlockKitProblem as problem:
            return str(problem)
    return None


def view_problem(view: Json) -> str | None:
    """View-level rules beyond the title and private_metadata: buttons, callback_id, inputs."""
    try:
        _check_length(view.get("callback_id"), MAX_ID, "/view/callback_id")
        if view.get("type") == "modal":
            _check_text(view.get("submit"), MAX_VIEW_BUTTON, "/view/submit", required=False, plain=True)
            _check_text(view.get("close"), MAX_VIEW_BUTTON, "/view/close", required=False, plain=True)
            has_input = any(
                isinstance(b, dict) and b.get("type") == "input" for b in view.get("blocks") or []
            )
            if has_input and view.get("submit") is None:
                raise BlockKitProblem("a modal with input blocks must have a submit button", "/view/submit")
    except BlockKitProblem as problem:
        return str(problem)
    return blocks_element_problem(view.get("blocks"), "/view/blocks")
