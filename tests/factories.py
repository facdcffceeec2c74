import factory

from accounts.models import User
from clickstream.models import (
    Application,
    ClickstreamPrototype,
    Connection,
    Integration,
    Platform,
)
from organizations.api_keys import generate_key, hash_key
from organizations.models import ApiKey, Membership, Organization, Role

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = "Ada"
    last_name = "Lovelace"
    email_confirmed = True
    password = factory.django.Password(PASSWORD)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.USER


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Source {n}")
    platform = Platform.WEB


class ConnectionFactory(factory.django.DjangoModelFactory):
    """A connection for the acquisio destination; needs the seeded catalog."""

    class Meta:
        model = Connection

    organization = factory.SubFactory(OrganizationFactory)
    name = "Acquisio"
    destination = factory.LazyFunction(
        lambda: ClickstreamPrototype.objects.get(integration_code="acquisio")
    )
    connection_prototype = factory.LazyAttribute(
        lambda connection: connection.destination.connection_prototype
    )
    details = factory.LazyFunction(lambda: {"apiKey": "acquisio-secret-key-1234"})


class IntegrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Integration

    application = factory.SubFactory(ApplicationFactory)
    connection = factory.SubFactory(
        ConnectionFactory,
        organization=factory.SelfAttribute("..application.organization"),
    )
    destination = factory.SelfAttribute("connection.destination")
    name = "Acquisio"
    config = factory.LazyFunction(lambda: {"events": ["Order Completed"]})


def make_api_key(organization, role=Role.USER, name="Deploy script"):
    """Create an API key and return it with the key itself."""
    key = generate_key()
    api_key = ApiKey.objects.create(
        organization=organization,
        name=name,
        role=role,
        prefix=key[:12],
        key_hash=hash_key(key),
    )
    return api_key, key
