"""The built-in saved views of /leads/: the three lists every rep reaches for."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

OPEN = [("status", "new"), ("status", "working"), ("status", "qualified")]


@dataclass(frozen=True)
class BuiltinView:
    slug: str
    name: str
    params: tuple[tuple[str, str], ...]

    @property
    def query(self) -> str:
        return urlencode(self.params)


BUILTIN_VIEWS = [
    BuiltinView("my-open", "My open leads", (("owner", "me"), *OPEN)),
    BuiltinView("unassigned", "Unassigned", (("owner", "none"), *OPEN)),
    BuiltinView("low-quality", "Low quality", (("quality", "low"),)),
]


def _normalised(query: str) -> list[tuple[str, str]]:
    return sorted((k, v) for k, v in parse_qsl(query) if v and k not in ("after", "sort"))


def active_view(query) -> str:
    """The query string of the view whose filters are exactly the current ones, or ''."""
    current = _normalised(query.urlencode() if hasattr(query, "urlencode") else query)
    for view in BUILTIN_VIEWS:
        if _normalised(view.query) == current:
            return view.query
    return ""
