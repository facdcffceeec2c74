"""The user admin and the createsuperuser command."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.tokens import InvalidToken, token_issue, token_user
from organizations.models import Role
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/accounts/user/"


@pytest.fixture
def staff_client(client):
    staff = User.objects.create_superuser("staff@example.com", "Staff-password-2024")
    client.force_login(staff)
    client.staff = staff
    return client


def test_user_list_shows_state_and_memberships(staff_client):
    user = UserFactory(email="listed@example.com", email_confirmed=False)
    MembershipFactory(
        user=user, organization=OrganizationFactory(name="Acme"), role=Role.OWNER
    )
    MembershipFactory(
        user=user, organization=OrganizationFactory(name="Globex"), role=Role.USER
    )

    response = staff_client.get(CHANGELIST)

    assert response.status_code == 200
    content = response.content.decode()
    assert "listed@example.com" in content
    assert "Acme (Owner), Globex (User)" in content
    assert "column-email_confirmed" in content
    assert "column-last_login" in content


def test_user_page_shows_memberships(staff_client):
    user = UserFactory()
    MembershipFactory(user=user, organization=OrganizationFactory(name="Initech"))

    response = staff_client.get(f"{CHANGELIST}{user.pk}/change/")

    assert response.status_code == 200
    assert "Initech" in response.content.decode()


def test_resend_confirmation_action(
    staff_client, django_capture_on_commit_callbacks, mailoutbox
):
    waiting = UserFactory(email="waiting@example.com", email_confirmed=False)
    done = UserFactory(email="done@example.com", email_confirmed=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            CHANGELIST,
            {
                "action": "resend_confirmation",
                "_selected_action": [waiting.pk, done.pk],
            },
            follow=True,
        )

    assert response.status_code == 200
    assert [message.to for message in mailoutbox] == [["waiting@example.com"]]
    assert "Sent a confirmation link to 1 unconfirmed active users." in (
        response.content.decode()
    )


def test_deactivate_action_ends_tokens(staff_client):
    user = UserFactory()
    token, _ = token_issue(user)

    response = staff_client.post(
        CHANGELIST,
        {"action": "deactivate", "_selected_action": [user.pk, staff_client.staff.pk]},
        follow=True,
    )

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.is_active is False
    assert user.token_version == 1
    with pytest.raises(InvalidToken):
        token_user(token)
    staff_client.staff.refresh_from_db()
    assert staff_client.staff.is_active is True


def test_unchecking_active_in_form_ends_tokens(staff_client):
    user = UserFactory(email="form@example.com")
    token, _ = token_issue(user)
    page = staff_client.get(f"{CHANGELIST}{user.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"groups", "user_permissions"}
    }
    data.update(
        {
            "is_active": "",
            "email_confirmed_at_0": "",
            "email_confirmed_at_1": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "sign_in_addresses-TOTAL_FORMS": "0",
            "sign_in_addresses-INITIAL_FORMS": "0",
        }
    )
    data = {name: value for name, value in data.items() if value is not False}

    response = staff_client.post(f"{CHANGELIST}{user.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.is_active is False
    assert user.token_version == 1
    User.objects.filter(pk=user.pk).update(is_active=True)
    with pytest.raises(InvalidToken):
        token_user(token)


def test_createsuperuser_with_email(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Admin-password-2024")

    call_command("createsuperuser", "--noinput", "--email", "Admin@Example.COM")

    admin = User.objects.get()
    assert admin.email == "admin@example.com"
    assert admin.is_staff is True
    assert admin.is_superuser is True
    assert admin.email_confirmed is True
    assert admin.check_password("Admin-password-2024")


def test_createsuperuser_rejects_taken_email(monkeypatch):
    UserFactory(email="admin@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Admin-password-2024")

    with pytest.raises(CommandError, match="already taken"):
        call_command("createsuperuser", "--noinput", "--email", "ADMIN@example.com")

    assert User.objects.count() == 1


def test_add_user_page_stores_lower_case_email(staff_client):
    response = staff_client.post(
        f"{CHANGELIST}add/",
        {
            "email": "Added@Example.COM",
            "usable_password": "true",
            "password1": "Added-password-2024",
            "password2": "Added-password-2024",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    added = User.objects.get(email="added@example.com")
    assert added.check_password("Added-password-2024")
