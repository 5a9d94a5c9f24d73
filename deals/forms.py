"""Forms of the pipeline and deal pages."""

from __future__ import annotations

from functools import cache, partial

from django import forms

from deals.models import StageKind
from deals.selectors import DealFilters
from primesync.selectors import OWNER_FILTER_PATTERN, owner_filter_choices

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class DealFilterForm(forms.Form):
    pipeline = forms.IntegerField(required=False, widget=forms.HiddenInput)
    owner = forms.RegexField(OWNER_FILTER_PATTERN, required=False, widget=forms.Select)
    amount_min = forms.DecimalField(required=False, min_value=0, max_digits=14, decimal_places=2, label="Min amount")
    amount_max = forms.DecimalField(required=False, min_value=0, max_digits=14, decimal_places=2, label="Max amount")
    close_from = forms.DateField(required=False, widget=DATE_INPUT, label="Closing from")
    close_to = forms.DateField(required=False, widget=DATE_INPUT, label="Closing to")

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].widget.choices = cache(partial(owner_filter_choices, team))  # read once, if rendered

    def filters(self) -> DealFilters:
        if not self.is_valid():
            return DealFilters()
        data = self.cleaned_data
        return DealFilters(
            owner=data.get("owner") or "",
            amount_min=data.get("amount_min"),
            amount_max=data.get("amount_max"),
            close_from=data.get("close_from"),
            close_to=data.get("close_to"),
        )


class MoveForm(forms.Form):
    stage = forms.IntegerField()
    lost_reason = forms.CharField(required=False, max_length=200)


class ConvertForm(forms.Form):
    deal_name = forms.CharField(max_length=200, label="Deal name")
    amount = forms.DecimalField(min_value=0, max_digits=14, decimal_places=2, initial=0)
    stage = forms.TypedChoiceField(coerce=int, required=False)
    expected_close_date = forms.DateField(required=False, widget=DATE_INPUT, label="Expected close")

    def __init__(self, *args, stages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(s.pk, s.name) for s in stages if s.kind == StageKind.OPEN]
