"""factory_boy factories for the domain. Personal fields get recognisable fake values."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from buurtbemiddeling.roles import Role
from cases.models import Case, CaseEvent, Channel, Neighbourhood, Party, PostcodeArea, Status
from cases.services import _next_case_number
from mediators.models import Assignment, Mediator
from partners.models import Membership, Organisation

User = get_user_model()

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.nl")
    is_active = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            for role in extracted:
                self.groups.add(Group.objects.get(name=Role(role).value))
        if create:
            self.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    kind = Organisation.Kind.HOUSING
    is_convenant_partner = True
    notification_email = factory.LazyAttribute(lambda o: f"info@{o.name.lower().replace(' ', '')}.example.nl")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.REFERRER


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Wijk {n}")
    stadsdeel = "Oost"
    joined_service_on = factory.LazyFunction(lambda: timezone.localdate().replace(year=2014, month=2, day=21))


class PostcodeAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostcodeArea
        django_get_or_create = ("digits",)

    digits = factory.Sequence(lambda n: f"{7500 + (n % 499)}")
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)


class CaseFactory(factory.django.DjangoModelFactory):
    """A case as created by intake; set ``status`` to place it anywhere in the process."""

    class Meta:
        model = Case

    number = factory.LazyFunction(lambda: _next_case_number(timezone.localdate().year))
    channel = Channel.WEB_FORM
    status = Status.NEW
    description = "Geluidsoverlast van de bovenburen"
    street = "Hengelosestraat"
    house_number = factory.Sequence(lambda n: str(n + 1))
    postcode = "7521 AA"
    received_at = factory.LazyFunction(timezone.now)
    consent_given = True


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    case = factory.SubFactory(CaseFactory)
    role = Party.Role.A
    name = factory.Faker("name", locale="nl_NL")
    street = "Hengelosestraat"
    house_number = "12"
    postcode = "7521 AA"
    city = "Enschede"
    phone = "+31612345678"
    email = factory.Sequence(lambda n: f"bewoner{n}@example.nl")


class CaseEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseEvent

    case = factory.SubFactory(CaseFactory)
    created_at = factory.LazyFunction(timezone.now)
    kind = CaseEvent.Kind.NOTE
    text = "Gebeld, geen gehoor."


class MediatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mediator

    user = factory.SubFactory(UserFactory, roles=[Role.MEDIATOR])
    phone = "+31687654321"
    home_postcode = "7511 AB"
    languages = factory.LazyFunction(lambda: ["nl"])
    status = Mediator.Status.ACTIVE
    certified_on = factory.LazyFunction(lambda: timezone.localdate().replace(year=2020))


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    case = factory.SubFactory(CaseFactory)
    mediator = factory.SubFactory(MediatorFactory)
    role = Assignment.Role.LEAD
    status = Assignment.Status.ACCEPTED
    proposed_at = factory.LazyFunction(timezone.now)
    # As close_case leaves it: completed when the case was closed.
    completed_at = factory.LazyAttribute(
        lambda o: (o.case.closed_at or timezone.now()) if o.status == Assignment.Status.COMPLETED else None
    )
