"""/duplicates/: the review queue of possible duplicates, the side-by-side merge, merge history and undo.

Managers work the whole team's queue. A rep sees the pairs that involve a lead of theirs and may
merge or dismiss a pair when both leads are theirs; undo is for managers and for the rep who owns
both sides of the merge.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from leads import duplicates, merge
from leads.forms_duplicates import MergeForm
from leads.models import DuplicateCandidate, DuplicateStatus, LeadMerge
from primesync.keyset import InvalidCursor
from primesync.web import team_required


def _next_url(request, cursor: str | None) -> str:
    if not cursor:
        return ""
    query = request.GET.copy()
    query["after"] = cursor
    return f"?{query.urlencode()}"


def _pair(request, pk) -> DuplicateCandidate:
    try:
        pair = duplicates.duplicate_get(team=request.team, pk=pk)
    except DuplicateCandidate.DoesNotExist:
        raise Http404("No such pair.") from None
    if not duplicates.can_see_pair(request.seat, pair):
        raise PermissionDenied("Only managers and the owners of these leads can see this pair.")
    return pair


def _require_resolve(request, pair: DuplicateCandidate) -> None:
    if not duplicates.can_resolve_pair(request.seat, pair):
        raise PermissionDenied("Only a manager, or a rep who owns both leads, can merge or dismiss them.")


@team_required
def duplicate_queue(request):
    lead_id = request.GET.get("lead", "")
    try:
        page = duplicates.duplicate_queue(
            team=request.team, seat=request.seat, lead_id=int(lead_id) if lead_id.isdigit() else None,
            after=request.GET.get("after"),
        )
    except InvalidCursor:
        return redirect(request.path)
    context = {
        "page": page,
        "next_url": _next_url(request, page.next_cursor),
        "resolvable": {p.pk for p in page.rows if duplicates.can_resolve_pair(request.seat, p)},
        "lead_filter": lead_id if lead_id.isdigit() else "",
    }
    if request.GET.get("after"):
        return render(request, "duplicates/_rows.html", context)
    return render(request, "duplicates/queue.html", context)


@team_required
def duplicate_count(request):
    """The open count in the navigation, loaded after the page (so no page pays for it)."""
    count = duplicates.duplicate_open_count(team=request.team, seat=request.seat)
    return render(request, "duplicates/_count.html", {"count": count})


def _survivor_of(pair: DuplicateCandidate, keep: str, counts: dict):
    """The lead asked for, else the one with more history (activities, deals...), else the older."""
    leads = {pair.lead_a.pk: pair.lead_a, pair.lead_b.pk: pair.lead_b}
    if keep.isdigit() and int(keep) in leads:
        return leads[int(keep)]
    weight = {pk: sum(n for _, n in rows) for pk, rows in counts.items()}
    return max(leads.values(), key=lambda lead: (weight[lead.pk], -lead.pk))


def _compare(request, pair: DuplicateCandidate, *, keep: str, data=None, status: int = 200):
    counts = merge.related_counts([pair.lead_a, pair.lead_b])
    survivor = _survivor_of(pair, keep, counts)
    form = MergeForm(data, left=pair.lead_a, right=pair.lead_b, survivor=survivor)
    if data is not None:
        form.is_valid()
    return render(request, "duplicates/compare.html", {
        "pair": pair, "form": form, "rows": form.rows(), "survivor": survivor, "other": form.merged,
        "counts_a": counts[pair.lead_a.pk], "counts_b": counts[pair.lead_b.pk],
        "can_resolve": duplicates.can_resolve_pair(request.seat, pair),
    }, status=status)


@team_required
def duplicate_compare(request, pk):
    pair = _pair(request, pk)
    return _compare(request, pair, keep=request.GET.get("keep", ""))


@team_required
@require_POST
def duplicate_merge(request, pk):
    pair = _pair(request, pk)
    _require_resolve(request, pair)
    if pair.status != DuplicateStatus.OPEN:
        messages.error(request, f"This pair is already {pair.get_status_display().lower()}.")
        return redirect("duplicate-queue")
    keep = request.POST.get("keep", "")
    counts = merge.related_counts([pair.lead_a, pair.lead_b])
    survivor = _survivor_of(pair, keep, counts)
    form = MergeForm(request.POST, left=pair.lead_a, right=pair.lead_b, survivor=survivor)
    if not form.is_valid():
        return _compare(request, pair, keep=keep, data=request.POST, status=422)
    try:
        done = merge.lead_merge(survivor=survivor, merged=form.merged, by=request.user, picks=form.picks())
    except merge.MergeError as exc:
        messages.error(request, exc.message)
        return redirect("duplicate-compare", pk=pair.pk)
    messages.success(request, f"Merged {done.merged_name} into {survivor}.")
    return redirect("lead-detail", pk=survivor.pk)


@team_required
@require_POST
def duplicate_dismiss(request, pk):
    pair = _pair(request, pk)
    _require_resolve(request, pair)
    if pair.status == DuplicateStatus.OPEN:
        duplicates.duplicate_dismiss(pair=pair, by=request.user)
    if request.htmx:
        return HttpResponse("")  # the queue row goes away
    messages.success(request, f"{pair.lead_a} and {pair.lead_b} are marked as different people.")
    return redirect("duplicate-queue")


@team_required
def merge_list(request):
    try:
        page = merge.merge_list(team=request.team, seat=request.seat, after=request.GET.get("after"))
    except InvalidCursor:
        return redirect(request.path)
    for m in page.rows:
        m.undoable = m.undone_at is None and merge.can_undo(request.seat, m, survivor=m.survivor_lead)
    context = {"page": page, "next_url": _next_url(request, page.next_cursor)}
    if request.GET.get("after"):
        return render(request, "duplicates/_merge_rows.html", context)
    return render(request, "duplicates/merges.html", context)


@team_required
@require_POST
def merge_undo(request, pk):
    record = get_object_or_404(LeadMerge, team=request.team, pk=pk)
    if not merge.can_undo(request.seat, record):
        raise PermissionDenied("Only a manager, or the rep who owns both leads, can undo this merge.")
    try:
        result = merge.merge_undo(merge=record, by=request.user)
    except merge.MergeError as exc:
        messages.error(request, f"Cannot undo the merge of {record.merged_name}: {exc.message}")
        return redirect("merge-list")
    text = f"Undid the merge: {result.restored} is back, with {result.moved_back} record(s) moved back to it."
    if result.left_behind:
        text += f" {result.left_behind} record(s) had been deleted or moved since and were left as they are."
    messages.success(request, text)
    return redirect("lead-detail", pk=result.restored.pk)
