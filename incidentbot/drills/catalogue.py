"""The scenarios a team can run: the ones shipped with the bot, plus the team's own folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from incidentbot.drills.scenario import Scenario
from incidentbot.drills.scenario_files import ScenarioError, load_scenario

SCENARIO_SUFFIX = ".toml"


class DrillsSection(BaseModel):
    """`[drills]` in the team config."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    folder: str | None = None
    """A folder of the team's own scenario files (`*.toml`); one named like a shipped scenario
    replaces it."""


def shipped_folder() -> Path:
    """`templates/drills/scenarios`, in a source checkout or inside the installed package."""
    source = Path(__file__).resolve().parents[2] / "templates" / "drills" / "scenarios"
    if source.is_dir():
        return source
    return Path(str(resources.files("incidentbot.templates") / "drills" / "scenarios"))


@dataclass(frozen=True)
class Catalogue:
    scenarios: dict[str, Scenario]
    problems: tuple[ScenarioError, ...] = field(default=())
    """Team files that could not be read: logged at start, and shown when a drill is asked for."""

    @property
    def names(self) -> list[str]:
        return sorted(self.scenarios)

    def get(self, name: str) -> Scenario | None:
        return self.scenarios.get(name.strip().lower())


def load_catalogue(section: DrillsSection, shipped: Path | None = None) -> Catalogue:
    scenarios: dict[str, Scenario] = {}
    problems: list[ScenarioError] = []
    folders = [shipped or shipped_folder()]
    if section.folder:
        folders.append(Path(section.folder))
    for folder in folders:
        if not folder.is_dir():
            problems.append(ScenarioError(str(folder), None, "drills.folder", "is not a folder"))
            continue
        for path in sorted(folder.glob(f"*{SCENARIO_SUFFIX}")):
            try:
                scenario = load_scenario(path)
            except ScenarioError as error:
                problems.append(error)
                continue
            scenarios[scenario.name] = scenario
    return Catalogue(scenarios, tuple(problems))
