"""Forms of the core's settings pages."""

from django import forms


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=80, label="Token name", help_text="What uses it, e.g. “Zapier sync” or “reporting script”."
    )
