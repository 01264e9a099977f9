"""Reads of mediators and assignments that repeat. Each carries its own joins and counts."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from buurtbemiddeling.roles import MEDIATOR_PK_ATTRIBUTE

_NOT_LOADED = object()


def mediator_pk_of(user) -> int | None:
    """The pk of the mediator record of ``user``; None for an inactive user or one who is not a mediator.

    The user of a request carries it (accounts.backends): no query. Any other user object costs one.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    mediator_pk = getattr(user, MEDIATOR_PK_ATTRIBUTE, _NOT_LOADED)
    if mediator_pk is not _NOT_LOADED:
        return mediator_pk
    from .models import Mediator

    return Mediator.objects.filter(user=user).values_list("pk", flat=True).first()


def start_of_year(today: date) -> datetime:
    return timezone.make_aware(datetime.combine(today.replace(month=1, day=1), time.min))


def _assignment_count(**filters):
    """The number of a mediator's assignments matching ``filters``, as a subquery.

    Subqueries rather than Count over a join: several counts and sums on one row would
    otherwise multiply each other.
    """
    from .models import Assignment

    counted = (
        Assignment.objects.filter(mediator=OuterRef("pk"), **filters)
        .order_by()
        .values("mediator")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class MediatorQuerySet(models.QuerySet):
    def proposable(self):
        """Only active, certified mediators can be proposed (the database half of the rule)."""
        return self.filter(status=self.model.Status.ACTIVE, certified_on__isnull=False)

    def with_load(self, *, today: date):
        """Annotate what matching and the pool list show of each mediator's work.

        ``open_cases``: proposed or accepted on cases still open (counts against capacity);
        ``cases_this_year``: accepted or completed assignments proposed since 1 January;
        ``mediations_total``: accepted or completed assignments ever (experience).
        """
        from cases.models import OPEN_STATUSES

        from .models import Assignment

        taken = Assignment.Status.visible()
        return self.annotate(
            open_cases=_assignment_count(status__in=Assignment.Status.active(), case__status__in=OPEN_STATUSES),
            cases_this_year=_assignment_count(status__in=taken, proposed_at__gte=start_of_year(today)),
            mediations_total=_assignment_count(status__in=taken),
        )

    def with_training_hours(self, *, today: date):
        """Annotate ``training_hours_year``: hours of training and intervision since 1 January."""
        from .models import TrainingRecord

        hours = (
            TrainingRecord.objects.filter(mediator=OuterRef("pk"), date__gte=today.replace(month=1, day=1))
            .order_by()
            .values("mediator")
            .annotate(total=Sum("hours"))
            .values("total")
        )
        return self.annotate(training_hours_year=Subquery(hours))

    def for_pool(self, *, today: date):
        """The coordinator's pool list: names, load, hours; weekly availability and coming absences.

        Three queries however many mediators: the mediators with their counts, their weekly
        availability, their absences that have not ended yet.
        """
        from .models import Absence

        return (
            self.select_related("user")
            .with_load(today=today)
            .with_training_hours(today=today)
            .prefetch_related(
                "availability",
                models.Prefetch(
                    "absences", queryset=Absence.objects.filter(ends_on__gte=today), to_attr="coming_absences"
                ),
            )
        )


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=self.model.Status.active())

    def open_proposals(self):
        return self.filter(status=self.model.Status.PROPOSED)

    def of_user(self, user):
        """The assignments of the mediator ``user`` is; none for anyone else.

        The user of a request carries their mediator's pk (accounts.backends), and the assignments are
        selected by it. For any other user object the mediator is found by a scalar subquery rather than a
        join, so that the database looks up the one mediator first and then reads their assignments from
        the indexes that start with the mediator (a join made PostgreSQL read all of a mediator's
        assignments for "Mijn zaken").
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        # The user of a request comes with their mediator's pk (accounts.backends): no lookup at all.
        mediator_pk = getattr(user, MEDIATOR_PK_ATTRIBUTE, _NOT_LOADED)
        if mediator_pk is None:
            return self.none()
        if mediator_pk is not _NOT_LOADED:
            return self.filter(mediator_id=mediator_pk)
        from .models import Mediator

        return self.filter(mediator=Subquery(Mediator.objects.filter(user=user).values("pk")[:1]))

    def with_anonymous_summary(self):
        """What a proposed mediator may see of the case, and nothing more (DESIGN.md).

        Only the case's number, status, neighbourhood, complexity flags and conflict types and
        the parties' languages are loaded: names, addresses and the description never leave the
        database for these pages. Three queries: the assignments with their case and wijk, the
        conflict types, the parties' languages.
        """
        from cases.models import Party

        return (
            self.select_related("case__neighbourhood")
            .only(
                "code",
                "role",
                "status",
                "proposed_at",
                "answered_at",
                "mediator_id",
                "case__code",
                "case__number",
                "case__status",
                "case__flag_psychosocial",
                "case__flag_language_barrier",
                "case__flag_threat",
                "case__neighbourhood__name",
                "case__neighbourhood__stadsdeel",
            )
            .prefetch_related(
                "case__conflict_types",
                models.Prefetch(
                    "case__parties",
                    queryset=Party.objects.only("case_id", "role", "preferred_language", "interpreter_needed"),
                    to_attr="party_languages",
                ),
            )
        )
