"""Login, logout, password change and the home page."""

from django.test import override_settings

from tests.factories import PASSWORD


def test_it_logs_in_with_an_email_in_any_case(client, acme):
    response = client.post("/accounts/login/", {"username": "Rep@ACME.test", "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/", follow=True)
    assert page.redirect_chain == [("/my-day/", 302)]
    assert b"Acme" in page.content


def test_it_rejects_a_wrong_password_and_keeps_the_email(client, acme):
    response = client.post("/accounts/login/", {"username": "rep@acme.test", "password": "wrong"})
    assert response.status_code == 200
    assert b"rep@acme.test" in response.content
    assert b"Please enter a correct" in response.content


@override_settings(DEMO_MODE=False)
def test_it_refuses_the_demo_password_outside_demo_mode(client, acme):
    acme.rep.set_password("primesync-demo")
    acme.rep.save()
    response = client.post("/accounts/login/", {"username": "rep@acme.test", "password": "primesync-demo"})
    assert response.status_code == 200  # the form again, not a redirect


def test_it_requires_login(client, db):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_escapes_user_text(client, acme):
    acme.team.name = "<script>alert(1)</script>"
    acme.team.save()
    client.force_login(acme.rep)
    page = client.get("/my-day/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_it_changes_the_password(client, acme):
    client.force_login(acme.rep)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "a much better secret 42", "new_password2": "a much better secret 42"},
    )
    assert response.status_code == 302
    acme.rep.refresh_from_db()
    assert acme.rep.check_password("a much better secret 42")


def test_it_logs_out(client, acme):
    client.force_login(acme.rep)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_home_sends_team_members_to_their_day_and_explains_to_others(client, acme, django_assert_max_num_queries):
    client.force_login(acme.rep)
    with django_assert_max_num_queries(6):
        assert client.get("/")["Location"] == "/my-day/"
    from tests.factories import UserFactory

    client.force_login(UserFactory(email="loner@example.test"))
    page = client.get("/")
    assert page.status_code == 200 and b"not a member of a team" in page.content
    assert client.get("/leads/").status_code == 403
