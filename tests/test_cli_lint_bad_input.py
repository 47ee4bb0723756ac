"""`incidentbot lint` given nothing, binary junk or a megabyte: an answer, never a crash."""

from __future__ import annotations

import io
import json

import pytest

from incidentbot.cli.lint import run


class BinaryStdin(io.TextIOWrapper):
    def __init__(self, raw: bytes) -> None:
        super().__init__(io.BytesIO(raw), encoding="utf-8")


def lint(argv: list[str], stdin: io.TextIOBase | None = None) -> tuple[int, dict[str, object]]:
    stdout = io.StringIO()
    code = run(argv, stdin or io.StringIO(""), stdout, io.StringIO())
    return code, json.loads(stdout.getvalue())


@pytest.mark.parametrize("audience", ["customer", "internal", "stakeholder", "postmortem"])
def test_an_empty_text_is_clean(audience: str) -> None:
    assert lint(["--audience", audience, ""]) == (0, {"audience": audience, "findings": []})
    assert lint(["--audience", audience], io.StringIO("")) == (0, {"audience": audience, "findings": []})


def test_binary_junk_on_stdin_is_read_not_fatal() -> None:
    junk = bytes(range(256)) * 40 + b"\x00\xff\xfe"
    code, report = lint(["--audience", "customer", "-"], BinaryStdin(junk))
    assert code in (0, 1)
    assert report["audience"] == "customer"


def test_a_megabyte_argument_is_checked() -> None:
    text = ("Bob recklessly pushed an untested config. " * 25_000)[:1_000_000]
    code, report = lint(["--audience", "postmortem", text])
    findings = report["findings"]
    assert code == 1 and isinstance(findings, list)
    assert {f["rule"] for f in findings} == {"personal-blame"}
