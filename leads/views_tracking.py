"""Email tracking endpoints: unauthenticated, signed, and saying nothing about what they track."""

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from leads import sequences
from primesync.ratelimit import rate_limited

# The smallest transparent GIF.
PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


@rate_limited("tracking")
@never_cache
def open_pixel(request, token):
    """Always the same image, valid token or not: nothing to learn by probing it."""
    sequences.email_opened(token)
    return HttpResponse(PIXEL, content_type="image/gif")


@rate_limited("tracking")
@never_cache
def click(request, token):
    url = sequences.email_clicked(token)
    if url is None:
        raise Http404("Unknown link.")
    return HttpResponseRedirect(url)


@rate_limited("tracking")
@never_cache
@csrf_exempt  # the signed token is the authority; mail providers POST here for one-click unsubscribe (RFC 8058)
def unsubscribe(request, token):
    if sequences.read_token(token) is None:
        raise Http404("Unknown link.")
    if request.method == "POST":
        sequences.unsubscribe(token)
        return render(request, "leads/unsubscribed.html", {"done": True})
    return render(request, "leads/unsubscribed.html", {"done": False})
