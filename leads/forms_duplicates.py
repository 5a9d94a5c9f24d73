"""The merge form of /duplicates/<id>/: which lead survives, and whose value each field keeps."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from leads.merge import MERGE_FIELDS, MERGED, SURVIVOR, default_picks
from leads.models import Lead


@dataclass
class FieldRow:
    """One line of the side-by-side comparison."""

    name: str
    label: str
    left: str
    right: str
    picked: int  # id of the lead whose value is checked
    same: bool


def _shown(lead: Lead, name: str) -> str:
    field = Lead._meta.get_field(name)
    value = getattr(lead, name)
    if value in (None, ""):
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if name == "owner":
        return value.display_name
    return str(value)


class MergeForm(forms.Form):
    """``keep``: the survivor's id; one radio per field, valued with the id of the lead to take it from."""

    keep = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, left: Lead, right: Lead, survivor: Lead, **kwargs):
        super().__init__(*args, **kwargs)
        self.leads = {left.pk: left, right.pk: right}
        self.left, self.right = left, right
        self.survivor = survivor
        self.merged = right if survivor.pk == left.pk else left
        ids = [(left.pk, str(left.pk)), (right.pk, str(right.pk))]
        for name in MERGE_FIELDS:
            self.fields[name] = forms.TypedChoiceField(choices=ids, coerce=int, required=False, empty_value=None)
        self.initial["keep"] = survivor.pk

    def clean_keep(self) -> int:
        keep = self.cleaned_data["keep"]
        if keep not in self.leads:
            raise forms.ValidationError("Keep one of the two leads.")
        return keep

    def rows(self) -> list[FieldRow]:
        defaults = default_picks(self.survivor, self.merged)
        rows = []
        for name in MERGE_FIELDS:
            left, right = _shown(self.left, name), _shown(self.right, name)
            picked = self.merged.pk if defaults[name] == MERGED else self.survivor.pk
            if self.is_bound and self.data.get(name, "").isdigit() and int(self.data[name]) in self.leads:
                picked = int(self.data[name])
            label = str(Lead._meta.get_field(name).verbose_name).capitalize()
            rows.append(FieldRow(name=name, label=label, left=left, right=right, picked=picked, same=left == right))
        return rows

    def picks(self) -> dict[str, str]:
        """For the merge service: per field picked, the survivor's value or the merged lead's (a field
        left unpicked takes the service's default: the survivor's value unless it has none)."""
        keep = self.cleaned_data["keep"]
        return {
            name: SURVIVOR if self.cleaned_data[name] == keep else MERGED
            for name in MERGE_FIELDS
            if self.cleaned_data.get(name) is not None
        }
