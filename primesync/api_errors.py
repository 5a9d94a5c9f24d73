"""API errors: every failure a client can cause answers 4xx with field errors, never 500."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from primesync.errors import DomainError, PermissionDenied


def exception_handler(exc, context):
    if isinstance(exc, PermissionDenied):
        return Response({"detail": exc.message}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, (IntegrityError, DataError)):
        # Services run in savepoints, so the request transaction is still usable here.
        return Response(
            {"non_field_errors": ["The change conflicts with existing data or a field's limits."]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return drf_exception_handler(exc, context)


@csrf_exempt  # a PATCH or DELETE to no route is a 404 too, not the CSRF middleware's HTML 403
def not_found(request, *args, **kwargs):
    """An /api/ URL that no route matches (``/leads/abc/``, ``/leads/-1/``): DRF's JSON 404, not the HTML page.

    Clients read every API answer as JSON; the same body as a missing object, so the two look alike.
    """
    return JsonResponse({"detail": "Not found."}, status=404)
