"""Reading scenario files: TOML in, a `Scenario` out, or an error naming the line and the field.

tomllib reports where the syntax breaks; pydantic reports which field is wrong but not where it
is, so the field's line is found here by walking the file's tables the way TOML defines them.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from incidentbot.drills.scenario import Inject, Requirement, Scenario, first_out_of_order

_TABLE_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\" -]+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)")
_ARRAY_TABLE = re.compile(r"^\s*\[\[")
_KNOWN_KEYS: dict[str, tuple[str, ...]] = {
    "": tuple(Scenario.model_fields),
    "injects": tuple(field.alias or name for name, field in Inject.model_fields.items()),
    "requires": tuple(Requirement.model_fields),
}


class ScenarioError(Exception):
    """What is wrong with a scenario file, as `file:line: field: problem` a person can act on."""

    def __init__(self, source: str, line: int | None, field: str | None, problem: str) -> None:
        self.source, self.line, self.field, self.problem = source, line, field, problem
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {field}: {problem}" if field else f"{where}: {problem}")


def load_scenario(path: Path) -> Scenario:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(str(path), None, None, "is not UTF-8 text; save it as UTF-8") from None
    except OSError as error:
        raise ScenarioError(str(path), None, None, f"cannot be read: {error.strerror}") from None
    return parse_scenario(text, str(path))


def parse_scenario(text: str, source: str) -> Scenario:
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # Python 3.14 gives `lineno`; older ones only say "(at line N, column M)" in the message.
        position = _TOML_POSITION.search(str(error))
        line = int(position.group(1)) if position else None
        problem = _TOML_POSITION.sub("", str(error)).strip()
        raise ScenarioError(source, line, None, f"not valid TOML: {problem}") from None
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        raise _explained(error, data, text, source) from None


def _explained(error: ValidationError, data: dict[str, Any], text: str, source: str) -> ScenarioError:
    problems = error.errors()
    # A misspelt key also leaves the right one missing: the misspelling is the one to show.
    problem = next((p for p in problems if p["type"] == "extra_forbidden"), problems[0])
    loc: list[str | int] = list(problem["loc"])
    if loc == ["injects"] and isinstance(data.get("injects"), list):
        index = _out_of_order_index(data["injects"])
        loc = ["injects", index, "at"] if index is not None else loc
    field = _field_name(loc)
    line = _line_of(text.splitlines(), loc)
    if problem["type"] == "extra_forbidden":
        return ScenarioError(source, line, field, _unknown_key_advice(loc))
    if problem["type"] == "missing":
        return ScenarioError(source, line, field, "missing; every scenario needs it")
    message = str(problem["msg"]).removeprefix("Value error, ")
    return ScenarioError(source, line, field, message)


def _out_of_order_index(raw: list[Any]) -> int | None:
    try:
        injects = tuple(Inject.model_validate(item) for item in raw)
    except ValidationError:
        return None
    return first_out_of_order(injects)


def _field_name(loc: list[str | int]) -> str:
    """`injects[3].requires[1].within`, numbered from 1 as a person counts them."""
    name = ""
    for part in loc:
        name += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if name else part)
    return name


def _unknown_key_advice(loc: list[str | int]) -> str:
    key = str(loc[-1])
    table = next((str(part) for part in reversed(loc[:-1]) if isinstance(part, str)), "")
    known = _KNOWN_KEYS.get(table, ())
    close = difflib.get_close_matches(key, known, n=1)
    advice = f"did you mean {close[0]}?" if close else "known keys: " + ", ".join(known)
    return f"unknown key; {advice}"


def _line_of(lines: list[str], loc: list[str | int]) -> int | None:
    """The 1-based line where the field at `loc` is written, or the nearest enclosing one."""
    start, end = 0, len(lines)
    best: int | None = None
    parts = list(loc)
    if parts[:1] == ["injects"] and len(parts) >= 2 and isinstance(parts[1], int):
        section = _array_table(lines, "injects", parts[1])
        if section is None:
            return _key_line(lines, 0, len(lines), "injects")
        start, end = section
        best = start + 1
        parts = parts[2:]
    else:
        end = _first_table(lines)
    cursor = start
    for part in parts:
        if isinstance(part, int):
            found = _nth_inline_table(lines, cursor, end, part)
        else:
            found = _key_line(lines, cursor, end, part)
        if found is None:
            break
        best, cursor = found, found - 1
    return best


def _first_table(lines: list[str]) -> int:
    return next((i for i, line in enumerate(lines) if _TABLE_HEADER.match(line)), len(lines))


def _array_table(lines: list[str], name: str, index: int) -> tuple[int, int] | None:
    """Lines [start, end) of the `index`-th `[[name]]` table."""
    headers = [i for i, line in enumerate(lines) if _TABLE_HEADER.match(line)]
    mine = [i for i in headers if _ARRAY_TABLE.match(lines[i]) and _header_name(lines[i]) == name]
    if index >= len(mine):
        return None
    start = mine[index]
    end = next((i for i in headers if i > start), len(lines))
    return start, end


def _header_name(line: str) -> str:
    match = _TABLE_HEADER.match(line)
    return match.group(1).strip().strip('"') if match else ""


def _key_line(lines: list[str], start: int, end: int, key: str) -> int | None:
    pattern = re.compile(rf'(?:^|[{{,\s])"?{re.escape(key)}"?\s*=')
    for number in range(start, end):
        if pattern.search(lines[number].split("#", 1)[0]):
            return number + 1
    return None


def _nth_inline_table(lines: list[str], start: int, end: int, index: int) -> int | None:
    """The line of the `index`-th `{ … }` after `start` (the items of a list of inline tables)."""
    seen = -1
    for number in range(start, end):
        seen += lines[number].split("#", 1)[0].count("{")
        if seen >= index:
            return number + 1
    return None
