"""The endpoint form of the webhook settings page."""

from __future__ import annotations

from django import forms

from primesync.webhooks.services import EVENT_TYPES


class EndpointForm(forms.Form):
    url = forms.URLField(label="URL", max_length=500, assume_scheme="https",
                         help_text="We POST each event here as JSON, signed with the endpoint's secret.")
    description = forms.CharField(max_length=200, required=False)
    event_types = forms.MultipleChoiceField(label="Events", choices=[(t, t) for t in EVENT_TYPES],
                                            widget=forms.CheckboxSelectMultiple)
    active = forms.BooleanField(required=False, initial=True)

    def endpoint_fields(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("url", "description", "event_types", "active")}
