"""Forms of the lead pages: they parse and validate input; services do the work."""

from __future__ import annotations

from functools import cache, partial

from django import forms
from django.urls import reverse

from leads.models import ActivityKind, Lead, LeadSource, LeadStatus
from leads.selectors import LEAD_SORTS, QUALITY_BANDS, LeadFilters
from primesync.selectors import OWNER_FILTER_PATTERN, owner_filter_choices, team_member_choices, team_members

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class LeadFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search")
    owner = forms.RegexField(OWNER_FILTER_PATTERN, required=False, widget=forms.Select)
    status = forms.MultipleChoiceField(required=False, choices=LeadStatus.choices, widget=forms.CheckboxSelectMultiple)
    source = forms.ChoiceField(required=False, choices=[("", "Any source"), *LeadSource.choices])
    quality = forms.ChoiceField(
        required=False,
        choices=[("", "Any quality"), *[(b, f"{b.title()} ({lo}-{hi})") for b, (lo, hi) in QUALITY_BANDS.items()]],
    )
    created_from = forms.DateField(required=False, widget=DATE_INPUT, label="Created from")
    created_to = forms.DateField(required=False, widget=DATE_INPUT, label="Created to")
    sort = forms.ChoiceField(required=False, choices=[(s, s) for s in LEAD_SORTS])

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].widget.choices = cache(partial(owner_filter_choices, team))  # read once, if rendered

    def filters(self) -> LeadFilters:
        data = self.cleaned_data
        return LeadFilters(
            q=data.get("q") or "",
            owner=data.get("owner") or "",
            statuses=tuple(data.get("status") or ()),
            source=data.get("source") or "",
            quality=data.get("quality") or "",
            created_from=data.get("created_from"),
            created_to=data.get("created_to"),
        )

    def ordering(self) -> str:
        return self.cleaned_data.get("sort") or "newest"


LEAD_FORM_FIELDS = ["first_name", "last_name", "email", "phone", "title", "company_name", "country", "source", "owner"]


class LeadForm(forms.ModelForm):
    """Create a lead. ``confirm_duplicate`` is offered once a possible duplicate was shown."""

    confirm_duplicate = forms.BooleanField(required=False, label="Create it anyway")

    class Meta:
        model = Lead
        fields = LEAD_FORM_FIELDS
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "country": forms.TextInput(attrs={"placeholder": "US", "maxlength": 2}),
        }

    def __init__(self, *args, team, seat, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = team_members(team=team)
        self.fields["owner"].empty_label = "Unassigned"
        if not seat.is_manager:
            del self.fields["owner"]  # a rep's new lead is theirs
        self.fields["source"].initial = LeadSource.WEB
        for name, field in self.fields.items():
            if name == "confirm_duplicate":
                continue
            # inline validation: each field is checked by the server as the rep leaves it
            field.widget.attrs.update({
                "hx-post": reverse("lead-validate", args=[name]),
                "hx-trigger": "change",
                "hx-target": f"#error-{name}",
                "hx-include": "closest form",
                "hx-swap": "innerHTML",
                "aria-describedby": f"error-{name}",
            })

    def clean_country(self):
        return (self.cleaned_data.get("country") or "").upper()

    def clean(self):
        data = super().clean()
        if not any(data.get(f) for f in ("email", "phone", "first_name", "last_name")):
            raise forms.ValidationError("Give at least a name, an email or a phone number.")
        return data

    def lead_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k in LEAD_FORM_FIELDS}


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(choices=ActivityKind.choices, initial=ActivityKind.CALL)
    direction = forms.ChoiceField(
        choices=[("out", "Outbound"), ("in", "Inbound (a reply)")], initial="out", required=False,
        help_text="An inbound email stops the lead's sequences",
    )
    subject = forms.CharField(max_length=200)
    body = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Notes")
    due_at = forms.DateTimeField(
        required=False, label="Due", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == ActivityKind.TASK and not data.get("due_at"):
            self.add_error("due_at", "A task needs a due date.")
        data["direction"] = data.get("direction") or "out"
        return data


class SavedViewForm(forms.Form):
    name = forms.CharField(max_length=60)
    query = forms.CharField(max_length=1000, required=False)


class BulkForm(forms.Form):
    ACTIONS = [("assign", "Assign"), ("status", "Change status"), ("enrich", "Re-enrich"), ("export", "Export CSV")]
    action = forms.ChoiceField(choices=ACTIONS)
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=[])  # validated against the team's leads by the view
    owner = forms.ChoiceField(required=False)
    status = forms.ChoiceField(
        required=False, choices=[("", "—"), *[c for c in LeadStatus.choices if c[0] != "converted"]]
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        members = [(str(pk), name) for pk, name in team_member_choices(team=team)]
        self.fields["owner"].choices = [("", "Unassigned"), *members]
        self.fields["ids"].choices = [(v, v) for v in self.data.getlist("ids")] if hasattr(self.data, "getlist") else []

    def clean(self):
        data = super().clean()
        if data.get("action") == "status" and not data.get("status"):
            self.add_error("status", "Choose a status.")
        return data


class CompanyForm(forms.Form):
    name = forms.CharField(max_length=200)
    domain = forms.CharField(max_length=253, required=False, help_text="e.g. acme.com")
    industry = forms.CharField(max_length=100, required=False)
    employees = forms.IntegerField(required=False, min_value=0)
