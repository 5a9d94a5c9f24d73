"""Forms of the routing settings: assignment rules, the SLA policy, reps' availability."""

from __future__ import annotations

import re

from django import forms

from leads.models import LeadSettings, LeadSource, RepAvailability

WORK_DAYS = re.compile(r"^[1-7]{0,7}$")


def _csv(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class AssignmentRuleForm(forms.Form):
    name = forms.CharField(max_length=80)
    priority = forms.IntegerField(min_value=0, max_value=32767, initial=100, help_text="Lower runs first")
    active = forms.BooleanField(required=False, initial=True)
    countries = forms.CharField(required=False, help_text="Comma-separated ISO codes, e.g. DE, FR, GB")
    industries = forms.CharField(required=False, help_text="Comma-separated, e.g. Software, Fintech")
    sources = forms.MultipleChoiceField(required=False, choices=LeadSource.choices, widget=forms.CheckboxSelectMultiple)
    min_employees = forms.IntegerField(required=False, min_value=0)
    max_employees = forms.IntegerField(required=False, min_value=0)

    def __init__(self, *args, members, **kwargs):
        """``members``: the team's users; each gets a weight field (0 leaves them out of the rule)."""
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for user in self.members:
            self.fields[f"weight_{user.pk}"] = forms.IntegerField(
                min_value=0, max_value=20, initial=0, required=False, label=user.display_name
            )

    def clean_countries(self):
        codes = [c.upper() for c in _csv(self.cleaned_data["countries"])]
        bad = [c for c in codes if not re.fullmatch(r"[A-Z]{2}", c)]
        if bad:
            raise forms.ValidationError(f"Use two-letter country codes (not {', '.join(bad)}).")
        return codes

    def clean_industries(self):
        return _csv(self.cleaned_data["industries"])

    def clean(self):
        data = super().clean()
        low, high = data.get("min_employees"), data.get("max_employees")
        if low is not None and high is not None and low > high:
            self.add_error("max_employees", "Must be at least the minimum.")
        if not any(data.get(f"weight_{u.pk}") for u in self.members):
            raise forms.ValidationError("Give at least one rep a weight above 0.")
        return data

    def rule_fields(self) -> dict:
        keys = ["name", "priority", "active", "countries", "industries", "sources", "min_employees", "max_employees"]
        return {k: self.cleaned_data[k] for k in keys}

    def weights(self) -> dict[int, int]:
        return {u.pk: self.cleaned_data.get(f"weight_{u.pk}") or 0 for u in self.members}

    def member_fields(self):
        return [self[f"weight_{u.pk}"] for u in self.members]


class LeadSettingsForm(forms.ModelForm):
    class Meta:
        model = LeadSettings
        fields = ["sla_minutes", "sla_action", "work_start", "work_end", "work_days"]
        widgets = {
            "work_start": forms.TimeInput(attrs={"type": "time"}),
            "work_end": forms.TimeInput(attrs={"type": "time"}),
        }
        labels = {"sla_minutes": "Touch new leads within (working minutes)", "sla_action": "When missed"}

    def clean_work_days(self):
        days = self.cleaned_data["work_days"]
        if not WORK_DAYS.match(days):
            raise forms.ValidationError("Digits 1 (Monday) to 7 (Sunday), e.g. 12345.")
        return "".join(sorted(set(days)))

    def clean(self):
        data = super().clean()
        if data.get("work_start") and data.get("work_end") and data["work_start"] >= data["work_end"]:
            self.add_error("work_end", "Must be after the start.")
        return data


class AvailabilityForm(forms.ModelForm):
    class Meta:
        model = RepAvailability
        fields = ["max_open_leads", "out_of_office_until", "work_start", "work_end", "work_days"]
        widgets = {
            "out_of_office_until": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "work_start": forms.TimeInput(attrs={"type": "time"}),
            "work_end": forms.TimeInput(attrs={"type": "time"}),
        }
        labels = {"max_open_leads": "Capacity (open leads)", "out_of_office_until": "Out of office until"}

    def __init__(self, *args, can_set_capacity: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_set_capacity:
            del self.fields["max_open_leads"]  # capacity is the manager's call

    clean_work_days = LeadSettingsForm.clean_work_days
