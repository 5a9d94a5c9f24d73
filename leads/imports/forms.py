"""Forms of the import wizard: they parse input; leads.imports.services does the work."""

from __future__ import annotations

import phonenumbers
from django import forms

from leads.imports.fields import TARGETS
from leads.models import OnDuplicate
from primesync.selectors import team_member_choices

NOT_IMPORTED = ("", "— not imported —")


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 (with or without BOM) or Latin-1; commas, semicolons, tabs or pipes; the first line names "
                  "the columns.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )


def region_choices() -> list[tuple[str, str]]:
    return sorted((region, f"{region} (+{phonenumbers.country_code_for_region(region)})")
                  for region in phonenumbers.SUPPORTED_REGIONS)


class MappingForm(forms.Form):
    """One select per CSV column, then what duplicates do, the default owner and the phone region."""

    on_duplicate = forms.ChoiceField(
        label="Leads that are already here (same email or phone)", choices=OnDuplicate.choices,
        initial=OnDuplicate.SKIP, widget=forms.RadioSelect,
    )
    default_owner = forms.TypedChoiceField(
        label="Owner of the new leads", required=False, coerce=int, empty_value=None,
        help_text="Rows whose owner column names a team member go to that member.",
    )
    phone_region = forms.ChoiceField(
        label="Phone numbers without +country code are in", choices=region_choices,
        help_text="Unless the row's country column says otherwise.",
    )
    save_mapping = forms.BooleanField(
        label="Remember these columns for the next file like this one", required=False, initial=True,
    )

    def __init__(self, *args, headers: list[str], team, seat, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = [NOT_IMPORTED, *[(t.key, t.label) for t in TARGETS if t.key != "owner" or seat.is_manager]]
        self.column_fields = []
        for index, header in enumerate(headers):
            name = f"col{index}"
            self.fields[name] = forms.ChoiceField(label=header, choices=choices, required=False)
            self.column_fields.append(name)
        if seat.is_manager:
            members = team_member_choices(team=team)
            self.fields["default_owner"].choices = [("", "Nobody: the routing rules assign them"), *members]
        else:
            del self.fields["default_owner"]  # a rep's imported leads are theirs

    def columns(self):
        """(header, bound field) per CSV column, for the mapping table."""
        return [(header, self[name]) for header, name in zip(self.headers, self.column_fields, strict=True)]

    def mapping(self) -> dict[str, str]:
        data = self.cleaned_data
        return {header: data.get(name) or "" for header, name in zip(self.headers, self.column_fields, strict=True)}


def initial_for(*, headers: list[str], mapping: dict[str, str], phone_region: str) -> dict:
    initial = {f"col{i}": mapping.get(h, "") for i, h in enumerate(headers)}
    return {**initial, "phone_region": phone_region, "on_duplicate": OnDuplicate.SKIP, "save_mapping": True}
