"""Who gets a new lead: pure decisions from rules, facts and the reps' situation (no database here)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LeadFacts:
    country: str = ""
    industry: str = ""
    employees: int | None = None
    source: str = ""


@dataclass(frozen=True)
class RuleSpec:
    id: int
    name: str
    countries: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    min_employees: int | None = None
    max_employees: int | None = None


@dataclass(frozen=True)
class Candidate:
    user_id: int
    name: str
    weight: int
    open_leads: int
    capacity: int
    out_of_office: bool = False
    working_now: bool = True

    @property
    def has_room(self) -> bool:
        return self.open_leads < self.capacity


@dataclass
class Decision:
    owner_id: int | None
    rule_id: int | None
    reason: str
    notes: list[str] = field(default_factory=list)


def rule_matches(rule: RuleSpec, facts: LeadFacts) -> list[str] | None:  # noqa: PLR0911 - one exit per condition
    """The conditions that matched ("country DE"), or None if any condition does not hold."""
    matched = []
    if rule.countries:
        if facts.country.upper() not in {c.upper() for c in rule.countries}:
            return None
        matched.append(f"country {facts.country.upper()}")
    if rule.industries:
        if facts.industry.lower() not in {i.lower() for i in rule.industries}:
            return None
        matched.append(f"industry {facts.industry}")
    if rule.sources:
        if facts.source not in rule.sources:
            return None
        matched.append(f"source {facts.source}")
    if rule.min_employees is not None or rule.max_employees is not None:
        if facts.employees is None:
            return None
        if rule.min_employees is not None and facts.employees < rule.min_employees:
            return None
        if rule.max_employees is not None and facts.employees > rule.max_employees:
            return None
        matched.append(f"{facts.employees} employees")
    return matched or ["any lead"]


def rotation(candidates: list[Candidate]) -> list[Candidate]:
    """The weighted rotation, interleaved: weights A=2, B=1 give A, B, A (not A, A, B)."""
    sequence: list[Candidate] = []
    remaining = {c.user_id: c.weight for c in candidates}
    while any(remaining.values()):
        for c in candidates:
            if remaining[c.user_id] > 0:
                sequence.append(c)
                remaining[c.user_id] -= 1
    return sequence


def pick(candidates: list[Candidate], slot: int) -> tuple[Candidate | None, list[str]]:
    """The first eligible rep from this slot of the rotation on, and why others were passed over.

    Eligible: not out of office, below capacity, and in working hours; if nobody is in working hours
    (a lead at night), the first one otherwise eligible.
    """
    sequence = rotation(candidates)
    if not sequence:
        return None, ["the rule has no reps"]
    ordered = [sequence[(slot + i) % len(sequence)] for i in range(len(sequence))]
    skipped: list[str] = []
    for c in ordered:
        if c.out_of_office:
            skipped.append(f"{c.name} out of office")
        elif not c.has_room:
            skipped.append(f"{c.name} at capacity ({c.open_leads}/{c.capacity})")
        elif c.working_now:
            return c, skipped
    off_hours = [c for c in ordered if not c.out_of_office and c.has_room]
    if off_hours:
        return off_hours[0], [*skipped, "nobody in working hours"]
    return None, sorted(set(skipped))


def explain(candidate: Candidate, rule: RuleSpec, matched: list[str], skipped: list[str]) -> str:
    parts = [f"Assigned to {candidate.name}: rule {rule.name} ({', '.join(matched)})",
             f"{candidate.open_leads}/{candidate.capacity} open", "next in rotation"]
    if skipped:
        parts.append("skipped " + "; ".join(skipped))
    return ", ".join(parts)
