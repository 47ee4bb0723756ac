"""The status page's rules know nothing of Slack, SQL or templates, like the domain and services."""

from __future__ import annotations

import pytest

from tests.test_architecture import FORBIDDEN, PACKAGE, _imports

RULES = ("model.py", "overview.py", "publishing.py", "ports.py")
OUTER = ("incidentbot.slack", "incidentbot.store", "incidentbot.rendering", "incidentbot.scheduler")


@pytest.mark.parametrize("name", RULES)
def test_the_rules_import_no_adapter(name: str) -> None:
    imported = _imports(PACKAGE / "status_page" / name)
    outer = [n for n in imported if n.split(".")[0] in FORBIDDEN or n.startswith(OUTER)]
    adapters = [
        n
        for n in imported
        if n.startswith("incidentbot.status_page.") and n.rsplit(".", 1)[1] + ".py" not in RULES
    ]
    assert not outer and not adapters, f"{name} imports {outer + adapters}"
