"""Edit in place: one field of a record, shown as text, swapped for a form by htmx, saved by a service.

A view declares which fields can be edited this way and which service saves them; this module
does the rest the same way for leads, deals and companies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from primesync.permissions import can_edit
from primesync.selectors import team_members


@dataclass(frozen=True)
class InlineField:
    name: str
    managers_only: bool = False
    input_type: str | None = None  # e.g. "date", "email", "tel"


def display(obj, name: str) -> str:
    field = obj._meta.get_field(name)
    value = getattr(obj, name)
    if value in (None, ""):
        return "—"
    if field.choices:
        return getattr(obj, f"get_{name}_display")()
    if field.is_relation:
        return getattr(value, "display_name", None) or str(value)
    if hasattr(value, "strftime"):
        return value.strftime("%b %-d, %Y")
    return str(value)


def _form_class(obj, spec: InlineField, team) -> type[forms.Form]:
    model_field = obj._meta.get_field(spec.name)
    form_field = model_field.formfield()
    if model_field.is_relation:
        form_field.queryset = team_members(team=team)
        form_field.empty_label = "Nobody"
    if spec.input_type:
        form_field.widget.input_type = spec.input_type
    form_field.widget.attrs.update({"id": f"input-{spec.name}", "autofocus": True})
    return type("InlineForm", (forms.Form,), {spec.name: form_field})


def _context(request, obj, spec: InlineField, url: str, form=None) -> dict:
    model_field = obj._meta.get_field(spec.name)
    return {
        "obj": obj, "name": spec.name, "label": str(model_field.verbose_name).capitalize(), "url": url,
        "value": display(obj, spec.name), "form": form,
        "editable": can_edit(request.seat, obj) and (not spec.managers_only or request.seat.is_manager),
    }


def render_field(request, obj, spec: InlineField, url: str) -> str:
    return render_to_string("primesync/_field.html", _context(request, obj, spec, url), request=request)


def inline_edit(
    request: HttpRequest,
    obj,
    name: str,
    *,
    fields: dict[str, InlineField],
    save: Callable[[object, dict], object],
    url: str,
    after_save: Callable[[object], str] | None = None,
) -> HttpResponse:
    """GET: the field as text (or, with ?edit, as a form). POST: validate, save, show the result.

    ``after_save`` may return extra HTML (out-of-band swaps, e.g. the page header) to send along.
    """
    spec = fields.get(name)
    if spec is None:
        raise Http404("No such field.")
    context = _context(request, obj, spec, url)
    if request.method == "GET":
        if "edit" in request.GET and context["editable"]:
            form = _form_class(obj, spec, request.team)(initial={name: getattr(obj, spec.name)})
            return render(request, "primesync/_field_form.html", {**context, "form": form})
        return render(request, "primesync/_field.html", context)
    if not context["editable"]:
        raise PermissionDenied("Only the owner or a manager can change this.")
    form = _form_class(obj, spec, request.team)(request.POST)
    if form.is_valid():
        try:
            obj = save(obj, {name: form.cleaned_data[name]})
        except ValidationError as exc:
            for message in exc.message_dict.get(name, []) if hasattr(exc, "error_dict") else exc.messages:
                form.add_error(name, message)
            if hasattr(exc, "error_dict"):
                for other, messages in exc.message_dict.items():
                    if other != name:
                        form.add_error(None, f"{other}: {' '.join(messages)}")
    if not form.is_valid():
        return render(request, "primesync/_field_form.html", {**context, "form": form}, status=422)
    html = render_field(request, obj, spec, url)
    if after_save:
        html += after_save(obj)
    return HttpResponse(html)
