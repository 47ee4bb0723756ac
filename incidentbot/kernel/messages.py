"""A feature's messages with buttons: declared by the feature, built in Slack beside it.

A message whose content is only a template goes out through the rendered helpers
(`Workspace.post_rendered`). One with buttons needs Block Kit and the feature's action ids
(its `slack_ids.py`), which belong with its Slack modules. So the feature declares what it says as a
protocol in its own `ports.py`, with a `Messages` key naming it; implements the protocol in its
`slack_messages.py` on the Workspace primitives and the renderer; and registers that
implementation from its `register.py` (`Registry.add_messages`). `wiring.py` builds every
registered implementation with the workspace and the renderer into `Services.messages`, and a
delivery handler reaches its own by the key: `CADENCE_MESSAGES.of(services).send_nag(...)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

if TYPE_CHECKING:
    from incidentbot.kernel.context import Services
    from incidentbot.kernel.ports import Workspace

T = TypeVar("T")

Build = Callable[["Workspace", Any], T]
"""How an implementation is made: from the workspace and the renderer (`rendering.Renderer`)."""


class MessagesMissing(LookupError):
    """No implementation was registered for a feature's messages."""


@dataclass(frozen=True)
class Messages(Generic[T]):
    """The key a feature's messages protocol `T` is registered and found under."""

    name: str

    def of(self, services: Services) -> T:
        """The implementation the wiring built for this feature."""
        try:
            found = services.messages[self.name]
        except KeyError:
            missing = f"no messages registered as {self.name!r} (Registry.add_messages)"
            raise MessagesMissing(missing) from None
        return cast(T, found)
