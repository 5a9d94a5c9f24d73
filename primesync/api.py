"""API v1: authentication."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from primesync.services import api_token_create


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, max_length=256)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`; shown only this once.")


class TokenView(APIView):
    """``POST {"email", "password"}`` → ``{"token"}``. The key is shown only in this answer."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            (429, "application/json"): OpenApiResponse(
                response={"type": "object", "properties": {
                    "detail": {"type": "string"}, "locked_until": {"type": "string", "format": "date-time"},
                }},
                description="Too many failed logins for this account from this address (locked until "
                            "``locked_until``); see Retry-After.",
            ),
            (429, "text/plain"): OpenApiResponse(
                response={"type": "string"}, description="Too many requests from this address; see Retry-After."
            ),
        },
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Through django.contrib.auth so django-axes counts the failure and refuses a locked login
        # (its middleware then answers 429 with the time the lockout ends).
        user = authenticate(
            request._request,
            username=serializer.validated_data["email"],
            password=serializer.validated_data["password"],
        )
        if user is None:
            return Response(
                {"non_field_errors": ["Unable to log in with the email and password given."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        _, key = api_token_create(user=user, name="API token (login)")
        return Response({"token": key}, status=status.HTTP_200_OK)
