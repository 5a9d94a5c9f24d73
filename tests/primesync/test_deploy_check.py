"""`manage.py check --deploy` is clean under production settings (DEBUG off, a real key, named hosts)."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.usefixtures("django_db_setup")  # the subprocesses use the test database


# what tests/pytest_env.py sets for the test run; production has none of it
TEST_ONLY = {"DEBUG", "DEMO_MODE", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "FAST_PASSWORD_HASHER"}


def production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    return {**env, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "crm.example.com",
            "DATABASE_URL": settings.DATABASE_URL, "DATABASE_NAME": settings.DATABASES["default"]["NAME"],
            "REDIS_URL": settings.REDIS_URL, **extra}


def run_check(env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def test_check_deploy_reports_nothing_under_production_settings():
    result = run_check(production_env())
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_behind_a_tls_proxy_it_stays_clean_and_trusts_the_forwarded_proto():
    result = run_check(production_env(SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto"))
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_settings_send_the_security_headers():
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "r = Client(HTTP_HOST='crm.example.com').get('/accounts/login/', secure=True)\n"
        "print(r.status_code)\n"
        "for h in ('Strict-Transport-Security', 'X-Frame-Options', 'Referrer-Policy', "
        "'X-Content-Type-Options', 'Content-Security-Policy'): print(h, '=', r.get(h))\n"
        "print('redirect', Client(HTTP_HOST='crm.example.com').get('/accounts/login/').status_code)\n"
    )
    env = production_env(DJANGO_SETTINGS_MODULE="primesync.settings")
    result = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True,
                            text=True, timeout=120, check=False)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert out.startswith("200")
    assert "Strict-Transport-Security = max-age=31536000; includeSubDomains; preload" in out
    assert "X-Frame-Options = DENY" in out and "Referrer-Policy = same-origin" in out
    assert "X-Content-Type-Options = nosniff" in out
    assert "script-src 'self';" in out and "unsafe-inline" not in out.split("script-src")[1].split(";")[0]
    assert "redirect 301" in out  # plain HTTP goes to HTTPS
