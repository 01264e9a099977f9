"""``manage.py seed_demo``: a fictitious buurtbemiddeling Enschede, from the 2014 pilot in Oost until today.

Partners, the convenant, neighbourhoods and demo users are upserted on every run. Cases are topped up to
``--cases`` in total: a database that already holds that many gets none, so running the command twice
never duplicates anything and no model field is needed to tell demo cases apart.

Cases are written with bulk_create rather than through cases.services, so that national scale (50,000
cases) takes about a minute and a half, not hours. Their history still follows cases.models.TRANSITIONS,
and the fields and milestones of each step are set the way cases.services.change_status sets them.
"""

from __future__ import annotations

import bisect
import itertools
import random
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.db.models.base import ModelState
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import TOTP_DEVICE_NAME
from buurtbemiddeling.roles import Role
from cases import demo_data as data
from cases.models import (
    OPEN_STATUSES,
    TRANSITIONS,
    Agreement,
    AgreementItem,
    Case,
    CaseEvent,
    CaseNumberSequence,
    Channel,
    ConflictType,
    Meeting,
    Neighbourhood,
    Outcome,
    Party,
    PostcodeArea,
    Status,
)
from cases.services import _milestone_for
from mediators.models import PROPOSAL_EXPIRES_AFTER, Absence, Assignment, Availability, Mediator, TrainingRecord
from partners.models import Convenant, ConvenantParty, Membership, Organisation

PASSWORD = "buurtbemiddeling-demo"  # noqa: S105 - public on purpose: printed in the logins table
SEED = 20140221
BATCH_SIZE = 2000

NEW, INTAKE, WAITING, MATCHING = Status.NEW, Status.INTAKE, Status.WAITING, Status.MATCHING
IN_MEDIATION, FOLLOW_UP, CLOSED, NOT_SUITABLE = (
    Status.IN_MEDIATION,
    Status.FOLLOW_UP,
    Status.CLOSED,
    Status.NOT_SUITABLE,
)

# Days a case spends between two statuses (low, high). The high ends bound how long a route can take,
# which decides how recent a case can be and still have reached its end.
GAP_DAYS: dict[tuple[str, str], tuple[float, float]] = {
    (NEW, INTAKE): (0.1, 5),
    (NEW, CLOSED): (10, 28),
    (INTAKE, WAITING): (1, 10),
    (WAITING, INTAKE): (14, 75),
    (WAITING, CLOSED): (20, 100),
    (INTAKE, MATCHING): (1, 12),
    (INTAKE, NOT_SUITABLE): (1, 12),
    (INTAKE, CLOSED): (1, 20),
    (MATCHING, IN_MEDIATION): (2, 12),
    (MATCHING, CLOSED): (5, 20),
    (IN_MEDIATION, FOLLOW_UP): (12, 52),  # the three meetings
    (IN_MEDIATION, CLOSED): (10, 56),
    (FOLLOW_UP, CLOSED): (40, 57),  # nazorg six weeks after the joint meeting, then closing
    (CLOSED, IN_MEDIATION): (20, 150),  # reopened within the six-month window
}
LATE_INTAKE_DAYS = (5, 12)  # past the five-working-day ijkpunt
NAZORG_DAYS = 42

# Share of the suitable closed cases per outcome: 65% resolved, Enschede's figure since 2014.
CLOSED_OUTCOME_SHARES = {
    Outcome.RESOLVED_JOINT_MEETING: 35,
    Outcome.RESOLVED_SEPARATE_TALKS: 18,
    Outcome.RESOLVED_AT_INTAKE: 12,
    Outcome.PARTLY_RESOLVED: 9,
    Outcome.NOT_RESOLVED: 8,
    Outcome.PARTY_B_DECLINED: 9,
    Outcome.WITHDRAWN: 6,
    Outcome.NO_CONTACT: 3,
}
NOT_SUITABLE_SHARE = 12  # percent of all finished cases

# The open caseload: its share per status and how old such a case is (days since received).
OPEN_SHARES = {NEW: 14, INTAKE: 16, WAITING: 8, MATCHING: 14, IN_MEDIATION: 26, FOLLOW_UP: 22}
# At least one NEW case overdue (the notification engine must alert on it) plus a few fresh ones, and
# two MATCHING cases without any proposal yet.
OPEN_MINIMUM = {NEW: 4, INTAKE: 1, WAITING: 1, MATCHING: 3, IN_MEDIATION: 1, FOLLOW_UP: 1}
OPEN_AGE_DAYS = {
    NEW: (0.02, 4),
    INTAKE: (3, 25),
    WAITING: (25, 180),
    MATCHING: (5, 30),
    IN_MEDIATION: (12, 60),
    FOLLOW_UP: (40, 95),
}
OVERDUE_NEW_AGE_DAYS = (16, 22)  # more than seven working days, even around Christmas

CHANNEL_SHARES = {
    Channel.PARTNER_REFERRAL: 40,
    Channel.PHONE: 22,
    Channel.WEB_FORM: 18,
    Channel.EMAIL: 12,
    Channel.WALK_IN: 8,
}
OFFICE_CHANNELS = frozenset({Channel.PARTNER_REFERRAL, Channel.PHONE, Channel.WALK_IN})

# Neighbour conflicts peak in summer (people outdoors, windows open) and dip around Christmas.
SEASON = {1: 0.85, 2: 0.85, 3: 0.95, 4: 1.05, 5: 1.15, 6: 1.3, 7: 1.35, 8: 1.3, 9: 1.1, 10: 0.95, 11: 0.85, 12: 0.75}
PILOT_SHARE, PILOT_MAX = 0.30, 420  # a pilot in one stadsdeel: at most ~140 cases a year
MEETING_SLOTS = ((10, 0), (13, 30), (15, 0), (19, 0), (19, 30))
ONE_MINUTE = timedelta(minutes=1)
PARENTS = (Case, Meeting, Agreement)  # rows whose primary key the seeder hands out itself
# Where meetings happen. A home is a party's address: only its label leaves the case file, so no free text.
HOME_A = (Meeting.LocationKind.HOME_A, "")
HOME_B = (Meeting.LocationKind.HOME_B, "")
BY_PHONE = (Meeting.LocationKind.PHONE, "")
SUBMITTED_PARTY_FIELDS = (
    "name",
    "street",
    "house_number",
    "postcode",
    "city",
    "phone",
    "email",
    "preferred_language",
    "interpreter_needed",
    "tenure",
)


class Command(BaseCommand):
    help = (
        "Fill the database with fictitious demo data: the Enschede convenant partners, neighbourhoods, demo "
        "logins and cases in every status since the 2014 pilot. Tops up to --cases cases in total."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=400, help="Total number of cases to top up to (400).")
        parser.add_argument(
            "--mediators",
            type=int,
            default=len(data.MEDIATORS),
            help=f"Total number of mediators to top up to ({len(data.MEDIATORS)}, the demo mediators; more are "
            "generated as active volunteers, e.g. 200 for the benchmark).",
        )
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")

    def handle(self, *args, cases: int, force: bool, mediators: int | None = None, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo writes fictitious people and a well-known password; it runs only with DEBUG on. "
                "Use --force to run it anyway, and never on a database with real cases."
            )
        if cases < 0:
            raise CommandError("--cases must be zero or more.")
        if mediators is None:
            mediators = len(data.MEDIATORS)
        if mediators < len(data.MEDIATORS):
            raise CommandError(f"--mediators must be at least {len(data.MEDIATORS)} (the demo mediators).")
        started = time.monotonic()
        now = timezone.now()
        # One transaction: an interrupted run leaves nothing half-made behind, which the top-up rule
        # (it counts cases) would otherwise take for finished work.
        with transaction.atomic():
            organisations = _seed_partners()
            _seed_neighbourhoods()
            logins = _seed_people(organisations, today=timezone.localdate(now), mediators=mediators)
            existing = Case.objects.count()
            to_create = max(0, cases - existing)
            if to_create:
                # The existing count is part of the seed so that a top-up does not replay the first run.
                rng = random.Random(f"{SEED}:{existing}")
                _CaseSeeder(rng=rng, now=now, organisations=organisations).run(to_create)
        elapsed = time.monotonic() - started
        if to_create:
            self.stdout.write(f"Created {to_create} demo cases ({existing + to_create} in total) in {elapsed:.1f} s.")
        else:
            self.stdout.write(f"The database already holds {existing} cases (target {cases}); no cases created.")
        width = max(len(role) for _username, role in logins)
        self.stdout.write(f"\n{'username':<20} {'role':<{width}} password")
        for username, role in logins:
            self.stdout.write(f"{username:<20} {role:<{width}} {PASSWORD}")
        self.stdout.write(
            "\ncoordinator and admin also need a code (two-step verification): "
            ".venv/bin/python manage.py demo_otp_code coordinator"
        )


# --- reference data and people ------------------------------------------------------------------------------------


def _seed_partners() -> dict[str, Organisation]:
    organisations = {}
    for code, name, kind, email, _prefix in data.ORGANISATIONS:
        organisations[code], _ = Organisation.objects.update_or_create(
            name=name,
            defaults={"kind": kind, "is_convenant_partner": True, "notification_email": email, "is_active": True},
        )
    convenant, _ = Convenant.objects.update_or_create(
        title=data.CONVENANT["title"], defaults={k: v for k, v in data.CONVENANT.items() if k != "title"}
    )
    for code, (contribution, in_kind) in data.CONVENANT_PARTIES.items():
        ConvenantParty.objects.update_or_create(
            convenant=convenant,
            organisation=organisations[code],
            defaults={"yearly_contribution": contribution, "in_kind": in_kind},
        )
    return organisations


def _seed_neighbourhoods() -> None:
    for stadsdeel, name, postcodes, _weight in data.NEIGHBOURHOODS:
        neighbourhood, _ = Neighbourhood.objects.update_or_create(
            name=name, defaults={"stadsdeel": stadsdeel, "joined_service_on": data.joined_service_on(stadsdeel)}
        )
        for digits in postcodes:
            # Illustrative: see the note at the top of cases/demo_data.py.
            PostcodeArea.objects.update_or_create(
                digits=digits, defaults={"neighbourhood": neighbourhood, "is_illustrative": True}
            )


def _seed_people(
    organisations: dict[str, Organisation], *, today: date, mediators: int = len(data.MEDIATORS)
) -> list[tuple[str, str]]:
    """Create or refresh the demo logins; returns (username, role) rows for the logins table.

    ``mediators`` above the demo mediators adds generated active volunteers (bemiddelaar9, ...),
    listed in the table as one line.
    """
    user_model = get_user_model()
    groups = {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}
    # One hash for every demo login: hashing is deliberately slow, and this password is public anyway.
    password = make_password(PASSWORD)
    logins: list[tuple[str, str]] = []

    def upsert(username, first_name, last_name, *, role=None, label, staff=False, superuser=False):
        user, _ = user_model.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.nl",
                "password": password,
                "is_active": True,
                "is_staff": staff or superuser,
                "is_superuser": superuser,
            },
        )
        if role is not None:
            user.groups.add(groups[role])
        logins.append((username, label))
        return user

    coordinator = upsert(*data.COORDINATOR, role=Role.COORDINATOR, label="coordinator", staff=True)
    _give_authenticator(coordinator)
    specs = data.MEDIATORS + generated_mediators(len(data.MEDIATORS) + 1, mediators)
    for index, (username, first, last, postcode, languages, status, certified_on, joined_on, capacity) in enumerate(
        specs, start=1
    ):
        label = "mediator" if status == Mediator.Status.ACTIVE else f"mediator ({status.replace('_', ' ')})"
        user = upsert(username, first, last, role=Role.MEDIATOR, label=label)
        if index > len(data.MEDIATORS):
            logins.pop()  # generated: summed up in one line below
        mediator, _ = Mediator.objects.update_or_create(
            user=user,
            defaults={
                "phone": f"+316555{index:05d}",
                "home_postcode": postcode,
                "languages": languages,
                "status": status,
                "certified_on": certified_on,
                "joined_on": joined_on or today - timedelta(days=75),
                "max_concurrent_cases": capacity,
            },
        )
        _seed_mediator_calendar(mediator, index=index, today=today)
    if mediators > len(data.MEDIATORS):
        logins.append((f"bemiddelaar{len(data.MEDIATORS) + 1}..{mediators}", "mediator (generated)"))
    for username, first, last, code in data.REFERRERS:
        user = upsert(username, first, last, role=Role.REFERRER, label=f"referrer ({organisations[code].name})")
        Membership.objects.get_or_create(user=user, organisation=organisations[code], role=Membership.Role.REFERRER)
    username, first, last, code = data.STEERING_GROUP
    user = upsert(username, first, last, role=Role.STEERING_GROUP, label="steering group")
    Membership.objects.get_or_create(user=user, organisation=organisations[code], role=Membership.Role.STEERING_GROUP)
    _give_authenticator(upsert(*data.ADMIN, label="administrator (superuser)", superuser=True))
    return logins


def _give_authenticator(user) -> None:
    """Coordinator and admin must use two-step verification: give them a confirmed device up front.

    Its secret is random per database and printed nowhere; `manage.py demo_otp_code <username>`
    prints the current six-digit code instead (DEBUG only).
    """
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)


def generated_mediators(first: int, last: int) -> list[tuple]:
    """Mediator specs (as data.MEDIATORS) for bemiddelaar<first> up to bemiddelaar<last>: active, certified
    between the pilot and a year ago, living in one of the service's neighbourhoods. Each one's details
    depend only on its number, so a later top-up does not change the earlier ones."""
    postcodes = [digits for _s, _n, digits_list, _w in data.NEIGHBOURHOODS for digits in digits_list]
    specs = []
    for index in range(first, last + 1):
        rng = random.Random(f"{SEED}:mediator:{index}")
        letters = "".join(rng.choice(data.POSTCODE_LETTERS) for _ in range(2))
        if letters in data.POSTCODE_PAIRS_NOT_USED:
            letters = "AB"
        certified_on = data.PILOT_START + timedelta(days=rng.randrange(365 * 11))
        languages = ["nl"] + ([rng.choice(["en", "de", "tr", "ar", "pl"])] if rng.random() < 0.3 else [])
        specs.append(
            (
                f"bemiddelaar{index}",
                rng.choice(data.FIRST_NAMES["nl"]),
                rng.choice(data.LAST_NAMES["nl"]),
                f"{rng.choice(postcodes)} {letters}",
                languages,
                Mediator.Status.ACTIVE.value,
                certified_on,
                certified_on - timedelta(days=120),
                rng.choice([2, 3, 3, 4]),
            )
        )
    return specs


def _seed_mediator_calendar(mediator: Mediator, *, index: int, today: date) -> None:
    parts = list(Availability.Part)
    slots = {(day, parts[(day + index) % 3]) for day in range(5) if (day + index) % 2 == 0}
    slots.add((index % 5, Availability.Part.EVENING))  # most mediations happen in the evening
    Availability.objects.bulk_create(
        [Availability(mediator=mediator, weekday=day, part=part) for day, part in sorted(slots)],
        ignore_conflicts=True,
    )
    # Records are looked up by their note so that a re-run on a later day moves dates instead of adding rows.
    if mediator.certified_on:
        training = [
            (TrainingRecord.Kind.BASIC, mediator.certified_on, "18.0", "Basistraining buurtbemiddeling (CCV)"),
            (TrainingRecord.Kind.INTERVISION, today - timedelta(days=35 + index), "2.5", "Intervisie najaar"),
            (TrainingRecord.Kind.INTERVISION, today - timedelta(days=150 + index), "2.5", "Intervisie voorjaar"),
        ]
        if index % 2:
            advanced_on = mediator.certified_on + timedelta(days=400)
            training.append((TrainingRecord.Kind.ADVANCED, advanced_on, "6.0", "Omgaan met agressie"))
    else:
        training = [(TrainingRecord.Kind.BASIC, today - timedelta(days=20), "9.0", "Basistraining, dag 1 t/m 3 van 5")]
    for kind, on, hours, note in training:
        TrainingRecord.objects.update_or_create(
            mediator=mediator, kind=kind, note=note, defaults={"date": on, "hours": hours}
        )
    absences = {3: ("Vakantie", 4, 18), 6: ("Op reis", -40, -26)}
    if index in absences:
        reason, start, end = absences[index]
        Absence.objects.update_or_create(
            mediator=mediator,
            reason=reason,
            defaults={"starts_on": today + timedelta(days=start), "ends_on": today + timedelta(days=end)},
        )


# --- cases --------------------------------------------------------------------------------------------------------


@dataclass
class _Plan:
    received_at: datetime
    channel: str
    route: tuple[str, ...]  # the statuses the case went through, from NEW to its current one
    outcome: str = ""
    variant: str = ""  # open MATCHING cases: how far the duo proposal got
    number: str = ""


@dataclass(frozen=True)
class _Place:
    id: int
    name: str
    stadsdeel: str
    postcodes: tuple[str, ...]


@dataclass
class _Volunteer:
    id: int
    user_id: int
    neighbourhood_id: int | None
    available_from: date | None
    available_until: date | None  # exclusive; paused or stopped mediators
    proposable_now: bool


@dataclass
class _Window:
    """Months to draw received dates from, weighted."""

    start: date
    end: date
    months: list[tuple[date, date]] = field(default_factory=list)
    cumulative: list[float] = field(default_factory=list)


@dataclass
class _Rows:
    cases: list = field(default_factory=list)
    parties: list = field(default_factory=list)
    events: list = field(default_factory=list)
    conflict_types: list = field(default_factory=list)
    assignments: list = field(default_factory=list)
    meetings: list = field(default_factory=list)
    meeting_mediators: list = field(default_factory=list)
    agreements: list = field(default_factory=list)
    items: list = field(default_factory=list)


def _allocate(total: int, shares: dict, minimum: dict | None = None) -> dict:
    """Split ``total`` over ``shares`` by largest remainder, then lift buckets to their minimum if there is room."""
    weight = sum(shares.values())
    exact = {key: total * share / weight for key, share in shares.items()}
    counts = {key: int(value) for key, value in exact.items()}
    for key in sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)[: total - sum(counts.values())]:
        counts[key] += 1
    minimum = minimum or {}
    for key, low in minimum.items():
        while counts[key] < low:
            donor = max((k for k in counts if k != key), key=lambda k: counts[k] - minimum.get(k, 0))
            if counts[donor] <= minimum.get(donor, 0):
                break
            counts[donor] -= 1
            counts[key] += 1
    return counts


_ROW_TEMPLATES: dict[type, tuple[dict, list, frozenset]] = {}


def _row(model, **values):
    """A model instance made without Model.__init__, which costs more than its INSERT for a million rows.

    Fields start at their defaults (callable ones called per row, as __init__ does) and take ``values``
    by attname. None of these models relies on the init signals that this skips.
    """
    template = _ROW_TEMPLATES.get(model)
    if template is None:
        fields = model._meta.concrete_fields
        static = {f.attname: f.get_default() for f in fields if not (f.has_default() and callable(f.default))}
        dynamic = [(f.attname, f.default) for f in fields if f.has_default() and callable(f.default)]
        template = _ROW_TEMPLATES[model] = (static, dynamic, frozenset(f.attname for f in fields))
    static, dynamic, attnames = template
    if not values.keys() <= attnames:
        raise TypeError(f"{model.__name__} has no field {sorted(values.keys() - attnames)}")
    instance = model.__new__(model)
    state = instance.__dict__
    state.update(static)
    for attname, default in dynamic:
        state[attname] = default()
    state.update(values)
    state["_state"] = ModelState()
    return instance


def _max_days(route: tuple[str, ...]) -> float:
    return sum(GAP_DAYS[pair][1] for pair in itertools.pairwise(route))


def _office_hours(moment: datetime, tz) -> datetime:
    """``moment`` moved into the coordinator's working time: weekends to Friday or Monday, nights into 9–17 h."""
    local = moment.astimezone(tz)
    weekday = local.weekday()
    if weekday == 5:
        local -= timedelta(days=1)
    elif weekday == 6:
        local += timedelta(days=1)
    if not 9 <= local.hour < 17:
        local = local.replace(hour=9 + local.hour % 8)
    return local.astimezone(UTC)


class _Clock:
    """Walks one case's history forward.

    ``raw`` advances by random gaps, times ``scale`` (below 1 squeezes a route into a young case's age).
    Shown times are ``raw`` moved into office hours or a meeting slot; they never go backwards and never
    pass ``latest`` (now), and they do not feed back into ``raw``, so the shifts do not add up.
    """

    __slots__ = ("latest", "raw", "rng", "scale", "shown", "tz")

    def __init__(self, *, start: datetime, scale: float, latest: datetime, rng: random.Random, tz):
        self.raw = self.shown = start
        self.scale, self.latest, self.rng, self.tz = scale, latest, rng, tz

    def advance(self, low: float, high: float) -> None:
        self.raw += timedelta(days=self.rng.uniform(low, high) * self.scale)

    def office(self) -> datetime:
        return self.show(_office_hours(self.raw, self.tz))

    def soon(self) -> datetime:
        return self.show(self.shown + timedelta(minutes=self.rng.uniform(5, 90)))

    def slot(self) -> datetime:
        """A meeting start near ``raw``, not yet shown: the caller decides whether it lies in the future."""
        local = self.raw.astimezone(self.tz)
        if local.weekday() == 6:
            local += timedelta(days=1)
        hour, minute = self.rng.choice(MEETING_SLOTS)
        start = local.replace(hour=hour, minute=minute, second=0, microsecond=0).astimezone(UTC)
        return max(start, self.shown + timedelta(hours=1))

    def show(self, moment: datetime) -> datetime:
        moment = max(moment, self.shown + ONE_MINUTE)
        if moment > self.latest:
            moment = max(self.latest, self.shown + timedelta(seconds=1))
        self.shown = moment
        return moment


def _ascii(text: str) -> str:
    text = text.replace("ı", "i").replace("ł", "l").replace("ß", "ss")
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


class _CaseSeeder:
    def __init__(self, *, rng: random.Random, now: datetime, organisations: dict[str, Organisation]):
        self.rng, self.now = rng, now
        self.tz = timezone.get_default_timezone()
        self.today = now.astimezone(self.tz).date()
        self.latest = now - ONE_MINUTE
        self.organisations = organisations
        self.prefixes = {code: prefix for code, _n, _k, _e, prefix in data.ORGANISATIONS}
        user_model = get_user_model()
        users = dict(user_model.objects.filter(username__startswith="verwijzer-").values_list("username", "id"))
        self.referrer_ids = {code: users[username] for username, _f, _l, code in data.REFERRERS}
        self.coordinator_id = user_model.objects.get(username=data.COORDINATOR[0]).pk
        # Cumulative weights once, instead of random.choices summing them up on every call.
        self.referral_codes = list(data.REFERRAL_SHARE)
        self.referral_weights = list(itertools.accumulate(data.REFERRAL_SHARE.values()))
        self.channels = list(CHANNEL_SHARES)
        self.channel_weights = list(itertools.accumulate(CHANNEL_SHARES.values()))
        self.origins = [origin for origin, _weight in data.ORIGINS]
        self.origin_weights = list(itertools.accumulate(weight for _origin, weight in data.ORIGINS))
        self._load_places()
        self._load_volunteers()
        types = dict(ConflictType.objects.values_list("code", "id"))
        if not types:
            raise CommandError("No conflict types found; run `manage.py migrate` first.")
        self.type_ids = list(types.values())
        self.type_codes = list(types)
        self.type_weights = list(itertools.accumulate(data.CONFLICT_TYPE_WEIGHTS.get(code, 4) for code in types))
        self.case_types = Case.conflict_types.through
        self.meeting_mediators = Meeting.mediators.through
        self._load_counters()
        self.open_load: dict[int, int] = dict.fromkeys(self.volunteers_by_id, 0)
        self.email_names: dict[tuple[str, str], str] = {}
        # Parents get their primary key up front, as loaddata does, so that children carry plain ids: no
        # RETURNING round trip and no related-object bookkeeping for a million rows. The sequences are
        # moved past them at the end.
        self.next_pk = {model: (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1 for model in PARENTS}

    def take_pk(self, model) -> int:
        pk = self.next_pk[model]
        self.next_pk[model] = pk + 1
        return pk

    # -- setup --

    def _load_places(self) -> None:
        weights = {name: weight for _s, name, _p, weight in data.NEIGHBOURHOODS}
        places = []
        for hood in Neighbourhood.objects.filter(joined_service_on__isnull=False).prefetch_related("postcodes"):
            postcodes = tuple(sorted(area.digits for area in hood.postcodes.all()))
            if postcodes:
                places.append((hood.joined_service_on, _Place(hood.pk, hood.name, hood.stadsdeel, postcodes)))
        if not places:
            raise CommandError("No neighbourhood with postcodes is in the service area.")
        places.sort(key=lambda item: (item[0], item[1].name))
        self.join_dates = sorted({joined for joined, _place in places})
        # Per number of join dates passed: the places in the service area and their cumulative weights.
        self.area_by_phase = []
        for phase in range(1, len(self.join_dates) + 1):
            inside = [place for joined, place in places if joined <= self.join_dates[phase - 1]]
            cumulative, total = [], 0
            for place in inside:
                total += weights.get(place.name, 3)
                cumulative.append(total)
            self.area_by_phase.append((inside, cumulative))
        self.neighbourhood_of_digits = dict(PostcodeArea.objects.values_list("digits", "neighbourhood_id"))

    def _load_volunteers(self) -> None:
        # The demo mediators and the generated ones (--mediators), not volunteers added in the app.
        self.volunteers = []
        demo = Mediator.objects.filter(user__username__regex=r"^bemiddelaar[0-9]+$")
        for mediator in demo.order_by("user__username"):
            until = None
            if mediator.status in (Mediator.Status.PAUSED, Mediator.Status.STOPPED):
                until = self.today - timedelta(days=120)  # no history after they stepped back
            self.volunteers.append(
                _Volunteer(
                    id=mediator.pk,
                    user_id=mediator.user_id,
                    neighbourhood_id=self.neighbourhood_of_digits.get(mediator.home_postcode[:4]),
                    available_from=mediator.certified_on,
                    available_until=until,
                    proposable_now=mediator.can_be_proposed,
                )
            )
        self.volunteers_by_id = {volunteer.id: volunteer for volunteer in self.volunteers}

    def _load_counters(self) -> None:
        """Continue numbers and partner references after what the database already holds."""
        self.last_number: dict[int, int] = dict(CaseNumberSequence.objects.values_list("year", "last"))
        for number in Case.objects.values_list("number", flat=True):
            year, _, serial = number.partition("-")
            if year.isdigit() and serial.isdigit():
                self.last_number[int(year)] = max(self.last_number.get(int(year), 0), int(serial))
        self.last_reference: dict[tuple[int, str], int] = {}
        existing = Case.objects.exclude(partner_reference="").values_list(
            "referring_organisation_id", "partner_reference"
        )
        for organisation_id, reference in existing:
            prefix_year, _, serial = reference.rpartition("-")
            if serial.isdigit():
                key = (organisation_id, prefix_year)
                self.last_reference[key] = max(self.last_reference.get(key, 0), int(serial))

    # -- planning: when each case came in and which route it took --

    def run(self, count: int) -> None:
        open_count = max(20, round(count * 0.05)) if count >= 40 else count // 2
        plans = self._plan_open(open_count) + self._plan_finished(count - open_count)
        plans.sort(key=lambda plan: plan.received_at)
        for plan in plans:
            year = plan.received_at.astimezone(self.tz).year
            self.last_number[year] = self.last_number.get(year, 0) + 1
            plan.number = f"{year}-{self.last_number[year]:04d}"
        for start in range(0, len(plans), BATCH_SIZE):
            rows = _Rows()
            for plan in plans[start : start + BATCH_SIZE]:
                self._build(plan, rows)
            self._write(rows)
        years = {plan.received_at.astimezone(self.tz).year for plan in plans}
        for year in sorted(years):
            # So that cases.services.create_case continues after the seeded numbers.
            CaseNumberSequence.objects.update_or_create(year=year, defaults={"last": self.last_number[year]})
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), PARENTS):
                cursor.execute(sql)

    def _channel(self) -> str:
        return self.rng.choices(self.channels, cum_weights=self.channel_weights)[0]

    def _plan_open(self, count: int) -> list[_Plan]:
        plans = []
        quotas = _allocate(count, OPEN_SHARES, OPEN_MINIMUM if count >= sum(OPEN_MINIMUM.values()) else None)
        routes = {
            NEW: (NEW,),
            INTAKE: (NEW, INTAKE),
            WAITING: (NEW, INTAKE, WAITING),
            MATCHING: (NEW, INTAKE, MATCHING),
            IN_MEDIATION: (NEW, INTAKE, MATCHING, IN_MEDIATION),
            FOLLOW_UP: (NEW, INTAKE, MATCHING, IN_MEDIATION, FOLLOW_UP),
        }
        for status, quota in quotas.items():
            for index in range(quota):
                low, high = OPEN_AGE_DAYS[status]
                variant = ""
                # The first NEW case is overdue, the next three fresh; beyond that some are overdue too.
                if status == NEW and (index == 0 or (index >= 4 and self.rng.random() < 0.1)):
                    low, high = OVERDUE_NEW_AGE_DAYS
                if status == MATCHING:
                    variant = "none" if index < 2 else self.rng.choice(["none", "proposed", "half", "half", "declined"])
                channel = self._channel()
                received = self.now - timedelta(days=self.rng.uniform(low, high))
                if channel in OFFICE_CHANNELS:
                    # Office hours later today have not happened yet: then it came in earlier today.
                    earlier = self.latest - timedelta(minutes=self.rng.uniform(10, 120))
                    received = min(_office_hours(received, self.tz), earlier)
                plans.append(_Plan(received, channel, routes[status], variant=variant))
        return plans

    def _plan_finished(self, count: int) -> list[_Plan]:
        if count <= 0:
            return []
        split = _allocate(
            count,
            {NOT_SUITABLE: NOT_SUITABLE_SHARE, CLOSED: 100 - NOT_SUITABLE_SHARE},
            {NOT_SUITABLE: 1, CLOSED: 1} if count >= 2 else None,
        )
        outcomes = [""] * split[NOT_SUITABLE]
        for outcome, quota in _allocate(split[CLOSED], CLOSED_OUTCOME_SHARES).items():
            outcomes += [outcome] * quota
        self.rng.shuffle(outcomes)
        pilot = self._window(data.PILOT_START, data.ROLLOUT - timedelta(days=1), self._pilot_weight)
        city = self._window(data.ROLLOUT, self.today, self._city_weight)
        pilot_count = min(round(count * PILOT_SHARE), PILOT_MAX)
        plans = []
        for index, outcome in enumerate(outcomes):
            route = self._finished_route(outcome)
            # A case can only have finished if its route fits between receipt and now.
            latest = self.now - timedelta(days=max(21, _max_days(route) + 4))
            channel = self._channel()
            received = self._draw_received(pilot if index < pilot_count else city, latest, channel)
            plans.append(_Plan(received, channel, route, outcome=outcome))
        return plans

    def _finished_route(self, outcome: str) -> tuple[str, ...]:
        chance = self.rng.random()
        match outcome:
            case "":
                return (NEW, INTAKE, NOT_SUITABLE)
            case Outcome.NO_CONTACT:
                return (NEW, CLOSED) if chance < 0.6 else (NEW, INTAKE, CLOSED)
            case Outcome.WITHDRAWN:
                if chance < 0.45:
                    return (NEW, INTAKE, CLOSED)
                return (NEW, INTAKE, WAITING, CLOSED) if chance < 0.8 else (NEW, INTAKE, MATCHING, CLOSED)
            case Outcome.RESOLVED_AT_INTAKE:
                return (NEW, INTAKE, CLOSED)
        if outcome == Outcome.PARTY_B_DECLINED or (outcome == Outcome.NOT_RESOLVED and chance < 0.5):
            route = (NEW, INTAKE, MATCHING, IN_MEDIATION, CLOSED)
        else:
            route = (NEW, INTAKE, MATCHING, IN_MEDIATION, FOLLOW_UP, CLOSED)
            if outcome in (Outcome.RESOLVED_JOINT_MEETING, Outcome.PARTLY_RESOLVED) and chance > 0.96:
                route += (IN_MEDIATION, CLOSED)  # reopened: the trouble started again
        if self.rng.random() < 0.08:
            route = (NEW, INTAKE, WAITING, *route[1:])  # on hold for a while before matching
        return route

    def _pilot_weight(self, month: date) -> float:
        months_in = (month.year - data.PILOT_START.year) * 12 + month.month - data.PILOT_START.month
        return min(1.0, 0.4 + months_in / 10) * SEASON[month.month]  # the pilot took months to get known

    def _city_weight(self, month: date) -> float:
        growth = 1 + 0.06 * (month - data.ROLLOUT).days / 365
        # Reports rose during the lockdowns: everyone at home, all day.
        lockdown = 1.3 if date(2020, 3, 1) <= month < date(2021, 7, 1) else 1.0
        return growth * lockdown * SEASON[month.month]

    def _window(self, start: date, end: date, weight) -> _Window:
        window = _Window(start, end)
        month, total = start.replace(day=1), 0.0
        while month <= end:
            following = (month + timedelta(days=32)).replace(day=1)
            first, last = max(month, start), min(following - timedelta(days=1), end)
            total += weight(month) * ((last - first).days + 1) / (following - month).days
            window.months.append((first, last))
            window.cumulative.append(total)
            month = following
        return window

    def _draw_received(self, window: _Window, latest: datetime, channel: str) -> datetime:
        rng = self.rng
        for _attempt in range(50):
            index = bisect.bisect_left(window.cumulative, rng.random() * window.cumulative[-1])
            first, last = window.months[index]
            day = first + timedelta(days=rng.randrange((last - first).days + 1))
            if channel in OFFICE_CHANNELS:
                if day.weekday() == 5 and day - timedelta(days=1) >= window.start:
                    day -= timedelta(days=1)
                elif day.weekday() == 6 and day + timedelta(days=1) <= window.end:
                    day += timedelta(days=1)
                minutes = rng.randrange(9 * 60, 17 * 60)
            else:
                minutes = rng.randrange(7 * 60, 23 * 60)
            local = datetime.combine(day, clock_time(minutes // 60, minutes % 60, rng.randrange(60)), self.tz)
            received = local.astimezone(UTC)
            if received <= latest:
                return received
        start = datetime.combine(window.start, clock_time(10), self.tz).astimezone(UTC)
        return start + (latest - start) * rng.random()

    # -- building the rows of one case --

    def _place(self, day: date) -> _Place:
        phase = bisect.bisect_right(self.join_dates, day)
        inside, cumulative = self.area_by_phase[max(phase, 1) - 1]
        return inside[bisect.bisect_left(cumulative, self.rng.random() * cumulative[-1])]

    def _postcode(self, place: _Place) -> str:
        while True:
            letters = "".join(self.rng.choices(data.POSTCODE_LETTERS, k=2))
            if letters not in data.POSTCODE_PAIRS_NOT_USED:
                return f"{self.rng.choice(place.postcodes)} {letters}"

    def _person(self, case_language_barrier: list[bool]) -> dict:
        rng = self.rng
        origin = rng.choices(self.origins, cum_weights=self.origin_weights)[0]
        first, last = rng.choice(data.FIRST_NAMES[origin]), rng.choice(data.LAST_NAMES[origin])
        language, interpreter = "nl", False
        own_language_chance = {"nl": 0, "tr": 0.35, "ar": 0.35, "pl": 0.6, "ti": 0.6, "de": 0.5, "en": 0.5}[origin]
        if rng.random() < own_language_chance:
            language = origin
            interpreter = origin in ("tr", "ar", "pl", "ti") and rng.random() < 0.5
            if interpreter:
                case_language_barrier[0] = True
        key = (first, last)
        if key not in self.email_names:
            self.email_names[key] = f"{_ascii(first)}.{_ascii(last)}"
        return {
            "name": f"{first} {last}",
            "email": f"{self.email_names[key]}{rng.randint(1, 99)}@example.nl",
            "phone": f"+316{rng.randrange(10**8):08d}",
            "preferred_language": language,
            "interpreter_needed": interpreter,
        }

    def _build(self, plan: _Plan, rows: _Rows) -> None:
        rng = self.rng
        received = plan.received_at
        place = self._place(received.astimezone(self.tz).date())
        street = rng.choice(data.STREETS.get(place.stadsdeel) or data.STREETS["Oost"])
        number = rng.randint(1, 180)
        postcode = self._postcode(place)

        organisation, referrer_id, reference = None, None, ""
        if plan.channel == Channel.PARTNER_REFERRAL:
            code = rng.choices(self.referral_codes, cum_weights=self.referral_weights)[0]
            organisation, referrer_id = self.organisations[code], self.referrer_ids[code]
            key = (organisation.pk, f"{self.prefixes[code]}-{received.astimezone(self.tz).year}")
            self.last_reference[key] = self.last_reference.get(key, 0) + 1
            reference = f"{key[1]}-{self.last_reference[key]:04d}"
        office_actor = referrer_id or (None if plan.channel == Channel.WEB_FORM else self.coordinator_id)

        chosen: list[str] = []
        for _ in range(rng.choices((1, 2, 3), cum_weights=(55, 88, 100))[0]):
            code = rng.choices(self.type_codes, cum_weights=self.type_weights)[0]
            if code not in chosen:
                chosen.append(code)
        not_suitable = rng.choice(data.NOT_SUITABLE) if plan.route[-1] == NOT_SUITABLE else None
        reason_index = data.NOT_SUITABLE.index(not_suitable) if not_suitable else -1

        barrier = [False]
        person_a, person_b = self._person(barrier), self._person(barrier)
        tenure, landlord = self._tenure(organisation)
        case = _row(
            Case,
            id=self.take_pk(Case),
            number=plan.number,
            status=plan.route[-1],
            channel=plan.channel,
            referring_organisation_id=organisation.pk if organisation else None,
            referred_by_id=referrer_id,
            partner_reference=reference,
            description=" ".join(
                rng.choice(data.DESCRIPTIONS.get(code, data.DESCRIPTIONS["other"])) for code in chosen
            ),
            tried_already=rng.choice(data.TRIED_ALREADY),
            street=street,
            house_number=str(number),
            postcode=postcode,
            city="Enschede",
            neighbourhood_id=place.id,
            flag_psychosocial=reason_index in (0, 1) or rng.random() < 0.06,
            flag_language_barrier=barrier[0],
            flag_threat=reason_index in (2, 4) or rng.random() < 0.04,
            consent_given=True,
            consent_at=received,
            consent_recorded_by_id=office_actor,
            received_at=received,
        )
        rows.cases.append(case)
        rows.conflict_types += [
            _row(self.case_types, case_id=case.pk, conflicttype_id=self.type_ids[self.type_codes.index(code)])
            for code in chosen
        ]
        address = {"street": street, "postcode": postcode, "city": "Enschede", "tenure": tenure}
        rows.parties.append(
            _row(
                Party,
                case_id=case.pk,
                role=Party.Role.A,
                house_number=str(number),
                landlord_id=landlord.pk if landlord else None,
                **address,
                **{**person_a, "email": person_a["email"] if rng.random() < 0.6 else ""},
            )
        )
        # Party A often knows little about the other party: an address, sometimes a name.
        neighbour = rng.choice([str(number + 1), str(max(1, number - 1)), str(number + 2), f"{number}a", f"{number}b"])
        rows.parties.append(
            _row(
                Party,
                case_id=case.pk,
                role=Party.Role.B,
                house_number=neighbour,
                landlord_id=landlord.pk if landlord else None,
                **address,
                **{
                    **person_b,
                    "name": person_b["name"] if rng.random() < 0.75 else "",
                    "phone": person_b["phone"] if rng.random() < 0.35 else "",
                    "email": person_b["email"] if rng.random() < 0.1 else "",
                },
            )
        )
        if organisation is not None:
            case.as_submitted = self._as_submitted(case, rows.parties[-2:], chosen, landlord)
        rows.events.append(
            _row(
                CaseEvent,
                case_id=case.pk,
                actor_id=office_actor,
                created_at=received,
                kind=CaseEvent.Kind.CREATED,
                new_status=NEW,
                milestone=CaseEvent.Milestone.RECEIVED,
            )
        )
        _History(self, plan, case, place, rows, not_suitable).walk()

    @staticmethod
    def _as_submitted(case: Case, parties: list[Party], conflict_types: list[str], landlord) -> dict:
        """The referrer's own copy of the referral, in the shape cases.forms.ReferralForm.as_submitted gives."""

        def party_fields(party: Party) -> dict:
            fields = {name: getattr(party, name) for name in SUBMITTED_PARTY_FIELDS}
            fields = {name: value for name, value in fields.items() if value not in ("", None, False)}
            if landlord is not None:
                fields["landlord"] = landlord.name
            return fields

        flags = ("flag_psychosocial", "flag_language_barrier", "flag_threat")
        return {
            "partner_reference": case.partner_reference,
            "party_a": party_fields(parties[0]),
            "party_b": party_fields(parties[1]),
            "conflict_address": {
                "street": case.street,
                "house_number": case.house_number,
                "postcode": case.postcode,
                "city": case.city,
            },
            "conflict_types": conflict_types,
            "description": case.description,
            "tried_already": case.tried_already,
            "flags": [name for name in flags if getattr(case, name)],
            "consent": True,
        }

    def _tenure(self, organisation: Organisation | None) -> tuple[str, Organisation | None]:
        if organisation is not None and organisation.kind == Organisation.Kind.HOUSING:
            return Party.Tenure.RENT, organisation
        chance = self.rng.random()
        if chance < 0.55:
            landlord = self.rng.choice([self.organisations["onshuis"], self.organisations["domijn"], None])
            return Party.Tenure.RENT, landlord
        return (Party.Tenure.OWN, None) if chance < 0.9 else (Party.Tenure.UNKNOWN, None)

    def duo(self, on: date, place: _Place, *, now_open: bool, extra: int = 0) -> list[_Volunteer]:
        """Two (or more) mediators who could take a case in ``place`` on ``on``; least busy first if open."""

        def available(volunteer: _Volunteer) -> bool:
            if now_open:
                return volunteer.proposable_now
            return (
                volunteer.available_from is not None
                and volunteer.available_from <= on
                and (volunteer.available_until is None or on < volunteer.available_until)
            )

        candidates = [v for v in self.volunteers if available(v) and v.neighbourhood_id != place.id]
        if len(candidates) < 2:
            candidates = [v for v in self.volunteers if available(v)]  # rather a neighbour than no duo at all
        if len(candidates) < 2:
            return []
        wanted = min(len(candidates), 2 + extra)
        if now_open:
            candidates.sort(key=lambda v: (self.open_load[v.id], self.rng.random()))
            return candidates[:wanted]
        return self.rng.sample(candidates, wanted)

    def _write(self, rows: _Rows) -> None:
        # Parents before children; their primary keys were handed out while building.
        Case.objects.bulk_create(rows.cases, batch_size=BATCH_SIZE)
        Party.objects.bulk_create(rows.parties, batch_size=BATCH_SIZE)
        CaseEvent.objects.bulk_create(rows.events, batch_size=BATCH_SIZE)
        self.case_types.objects.bulk_create(rows.conflict_types, batch_size=BATCH_SIZE)
        Assignment.objects.bulk_create(rows.assignments, batch_size=BATCH_SIZE)
        Meeting.objects.bulk_create(rows.meetings, batch_size=BATCH_SIZE)
        self.meeting_mediators.objects.bulk_create(rows.meeting_mediators, batch_size=BATCH_SIZE)
        Agreement.objects.bulk_create(rows.agreements, batch_size=BATCH_SIZE)
        AgreementItem.objects.bulk_create(rows.items, batch_size=BATCH_SIZE)


class _History:
    """The timeline of one case along its route, with the rows each step leaves behind."""

    def __init__(self, seeder: _CaseSeeder, plan: _Plan, case: Case, place: _Place, rows: _Rows, not_suitable):
        self.seeder, self.plan, self.case, self.place, self.rows = seeder, plan, case, place, rows
        self.rng = seeder.rng
        self.not_suitable = not_suitable
        self.is_open = plan.route[-1] in OPEN_STATUSES
        age_days = (seeder.now - plan.received_at).total_seconds() / 86400
        route_days = _max_days(plan.route)
        room = age_days - (3 if self.is_open else 4)
        self.scale = 1.0 if route_days <= max(room, 0) else max(0.02, room / route_days)
        self.clock = _Clock(start=plan.received_at, scale=self.scale, latest=seeder.latest, rng=self.rng, tz=seeder.tz)
        self.team: list[_Volunteer] = []
        self.assignments: list[Assignment] = []
        self.agreement: Agreement | None = None
        self.reopened = False
        self.now_phase = False  # walking the current step of an open case: meetings may lie ahead

    # -- rows --

    def event(self, kind: str, at: datetime, text: str = "", *, actor_id=None) -> None:
        self.rows.events.append(
            _row(CaseEvent, case_id=self.case.pk, actor_id=actor_id, created_at=at, kind=kind, text=text)
        )

    def team_lead(self) -> int:
        """Who writes notes: the lead mediator once there is a duo, the coordinator before."""
        return self.team[0].user_id if self.team else self.seeder.coordinator_id

    def note(self, text: str, at: datetime) -> None:
        self.event(CaseEvent.Kind.NOTE, at, text, actor_id=self.team_lead())

    def contact_attempt(self, text: str, *, by_mediator: bool = False) -> None:
        actor = self.team_lead() if by_mediator else self.seeder.coordinator_id
        self.event(CaseEvent.Kind.CONTACT_ATTEMPT, self.clock.office(), text, actor_id=actor)

    def change_status(self, old: str, new: str, text: str = "", outcome: str = "") -> None:
        """Mirror cases.services.change_status: the same fields, the same milestone."""
        if new not in TRANSITIONS[old]:
            raise CommandError(f"seed_demo bug: {old} -> {new} is not an allowed transition.")
        at = self.clock.office()
        case = self.case
        if new == CLOSED:
            case.outcome, case.closed_at = outcome, at
        elif new == NOT_SUITABLE:
            case.not_suitable_reason, case.referred_to = self.not_suitable
            case.closed_at = at
        if old == CLOSED:
            case.outcome, case.closed_at = "", None
        if new == INTAKE and case.first_contact_at is None:
            case.first_contact_at = at
        if new == IN_MEDIATION and case.matched_at is None:
            case.matched_at = at
        self.rows.events.append(
            _row(
                CaseEvent,
                case_id=case.pk,
                actor_id=self.seeder.coordinator_id,
                created_at=at,
                kind=CaseEvent.Kind.STATUS_CHANGE,
                old_status=old,
                new_status=new,
                text=text,
                milestone=_milestone_for(old, new, outcome),
            )
        )

    def meeting(
        self, kind: str, where: tuple[str, str], *, status: str = Meeting.Status.HELD, note: str = ""
    ) -> Meeting:
        """A meeting at the next slot: planned if it lies ahead in an open case's current step, else held."""
        start = self.clock.slot()
        joint = kind == Meeting.Kind.JOINT
        duration = timedelta(minutes=self.rng.choice((60, 75, 90, 120) if joint else (45, 60, 75)))
        end = start + duration
        if end > self.seeder.latest and self.now_phase:
            status = Meeting.Status.PLANNED
            if start <= self.seeder.latest:  # would be going on right now: make it tomorrow's
                start, end = start + timedelta(days=1), end + timedelta(days=1)
        else:
            if end > self.seeder.latest:  # a squeezed history: it must have happened by now
                start = max(self.clock.shown + ONE_MINUTE, self.seeder.latest - duration)
                end = start + duration
            self.clock.show(start)
            self.clock.shown = end
        meeting = _row(
            Meeting,
            id=self.seeder.take_pk(Meeting),
            case_id=self.case.pk,
            kind=kind,
            starts_at=start,
            ends_at=end,
            location_kind=where[0],
            location=where[1],
            status=status,
        )
        self.rows.meetings.append(meeting)
        present = self.team if kind != Meeting.Kind.INTAKE_A or self.rng.random() < 0.9 else self.team[:1]
        self.rows.meeting_mediators += [
            _row(self.seeder.meeting_mediators, meeting_id=meeting.pk, mediator_id=volunteer.id)
            for volunteer in present
        ]
        # A note after some meetings, not all: the timeline is the bulk of the rows.
        wanted = note or (kind in data.NOTE_AFTER_MEETING and self.rng.random() < (0.5 if joint else 0.15))
        if meeting.status == Meeting.Status.HELD and wanted:
            self.note(note or data.NOTE_AFTER_MEETING[kind], self.clock.soon())
        return meeting

    # -- the walk --

    def walk(self) -> None:
        """Per step, what happens while in ``old`` until the move to ``new`` (``_from_<old>``), then, for an
        open case, what has happened so far in its current status (``_now_<status>``)."""
        route = self.plan.route
        for position, (old, new) in enumerate(itertools.pairwise(route)):
            last = position == len(route) - 2
            # Only a reopened case closes twice; its first closing was a resolved one.
            outcome = self.plan.outcome if last else Outcome.RESOLVED_JOINT_MEETING
            getattr(self, f"_from_{old}")(new, outcome)
        if self.is_open:
            self.clock.scale = 1.0  # the current step runs until now, whatever the case's age
            self.now_phase = True
            getattr(self, f"_now_{route[-1]}")()
        for assignment in self.assignments:
            if assignment.status == Assignment.Status.ACCEPTED and not self.is_open:
                assignment.status = Assignment.Status.COMPLETED
                assignment.completed_at = self.case.closed_at

    def _from_new(self, new: str, outcome: str) -> None:
        clock = self.clock
        if new == CLOSED:  # never reached
            for text in self.rng.sample(data.CONTACT_FAILED, 2):
                clock.advance(3, 7)
                self.contact_attempt(text)
            clock.advance(3, 7)
            self.contact_attempt(data.CONTACT_LETTER)
            clock.advance(4, 7)
            self.change_status(NEW, CLOSED, outcome=outcome)
            return
        low, high = LATE_INTAKE_DAYS if self.rng.random() < 0.12 else GAP_DAYS[(NEW, INTAKE)]
        failed = self.rng.choices((0, 1, 2), weights=(60, 30, 10))[0]
        for text in self.rng.sample(data.CONTACT_FAILED, failed):
            clock.advance(low / (failed + 1), high / (failed + 1))
            self.contact_attempt(text)
        clock.advance(low / (failed + 1), high / (failed + 1))
        self.change_status(NEW, INTAKE)

    def _from_intake(self, new: str, outcome: str) -> None:
        if self.rng.random() < 0.35:
            self.note(self.rng.choice(data.NOTE_INTAKE), self.clock.soon())
        self.clock.advance(*GAP_DAYS[(INTAKE, new)])
        text = ""
        if new == WAITING:
            text = self.rng.choice(data.WAITING_REASONS)
        elif new == NOT_SUITABLE:
            text = f"Doorverwezen naar {self.not_suitable[1]}."
        self.change_status(INTAKE, new, text, outcome)

    def _from_waiting(self, new: str, outcome: str) -> None:
        self.clock.advance(*GAP_DAYS[(WAITING, new)])
        text = "Melder heeft opnieuw contact opgenomen." if new == INTAKE else "Melder heeft niets meer laten horen."
        self.change_status(WAITING, new, text, outcome)

    def neutral_place(self) -> tuple[str, str]:
        return Meeting.LocationKind.NEUTRAL, self.rng.choice(
            [f"Wijkcentrum {self.place.name}", "Kantoor Buurtbemiddeling"]
        )

    def _propose(self, volunteer: _Volunteer, role: str, status: str) -> Assignment:
        if status == Assignment.Status.PROPOSED and self.now_phase:
            # Still open now, so younger than the expiry (mediators.services expires older proposals);
            # some past the reminder mark.
            self.clock.raw = self.seeder.now - PROPOSAL_EXPIRES_AFTER * self.rng.uniform(0.05, 0.9)
            proposed_at = self.clock.show(self.clock.raw)  # not moved into office hours: that could age it
        else:
            proposed_at = self.clock.office()
        answered_at = None
        if status != Assignment.Status.PROPOSED:
            self.clock.advance(0.2, 2)
            answered_at = self.clock.office()
        assignment = _row(
            Assignment,
            case_id=self.case.pk,
            mediator_id=volunteer.id,
            role=role,
            status=status,
            proposed_at=proposed_at,
            proposed_by_id=self.seeder.coordinator_id,
            answered_at=answered_at,
            decline_reason=self.rng.choice(data.DECLINE_REASONS) if status == Assignment.Status.DECLINED else "",
        )
        self.assignments.append(assignment)
        self.rows.assignments.append(assignment)
        if self.is_open and status in Assignment.Status.active():
            self.seeder.open_load[volunteer.id] += 1
        return assignment

    def _form_duo(self, *, lead_status: str, co_status: str, decline_first: bool) -> None:
        day = self.clock.raw.astimezone(self.seeder.tz).date()
        people = self.seeder.duo(day, self.place, now_open=self.is_open, extra=1 if decline_first else 0)
        if len(people) < 2:
            return
        if decline_first and len(people) > 2:
            self._propose(people.pop(), Assignment.Role.CO, Assignment.Status.DECLINED)
            self.clock.advance(0.2, 2)
        lead, co = people[:2]
        self.team = [lead, co]
        self._propose(lead, Assignment.Role.LEAD, lead_status)
        self._propose(co, Assignment.Role.CO, co_status)

    def _from_matching(self, new: str, outcome: str) -> None:
        clock = self.clock
        clock.advance(0.5, 3)
        if new == IN_MEDIATION:
            accepted = Assignment.Status.ACCEPTED
            self._form_duo(lead_status=accepted, co_status=accepted, decline_first=self.rng.random() < 0.1)
            clock.advance(0.5, 2)
            self.change_status(MATCHING, IN_MEDIATION, "Duo akkoord; bemiddeling gestart.")
            return
        if self.rng.random() < 0.5:  # the duo was proposed, then the case was withdrawn
            withdrawn = Assignment.Status.WITHDRAWN
            self._form_duo(lead_status=withdrawn, co_status=withdrawn, decline_first=False)
            self.team = []
        clock.advance(4, 17)
        self.change_status(MATCHING, new, "Melder trekt de aanmelding in.", outcome)

    def _meeting_chain(self, *, separate: bool, agreed: bool = True) -> None:
        """Talks with A, with B, then together (or A again: pendelbemiddeling); stops at a planned one."""
        clock = self.clock
        first_talk = HOME_A if self.rng.random() < 0.9 else BY_PHONE
        kinds = [
            (Meeting.Kind.INTAKE_A, first_talk, (2, 10)),
            (Meeting.Kind.INTAKE_B, HOME_B, (3, 14)),
            (Meeting.Kind.OTHER, HOME_A, (7, 21)) if separate else (Meeting.Kind.JOINT, self.neutral_place(), (7, 21)),
        ]
        for kind, location, gap in kinds:
            clock.advance(*gap)
            if kind == Meeting.Kind.INTAKE_B and not self.now_phase and self.rng.random() < 0.05:
                self.meeting(kind, location, status=Meeting.Status.NO_SHOW)
                clock.advance(1, 3)
            note = "" if agreed or kind != Meeting.Kind.JOINT else "Gezamenlijk gesprek gevoerd; geen overeenstemming."
            meeting = self.meeting(kind, location, note=note)
            if meeting.status == Meeting.Status.PLANNED:
                return
        if agreed:
            self._agree(meeting)

    def _agree(self, meeting: Meeting) -> None:
        days = NAZORG_DAYS if self.is_open or self.scale >= 1 else max(7, round(NAZORG_DAYS * self.scale))
        agreement = _row(
            Agreement,
            id=self.seeder.take_pk(Agreement),
            case_id=self.case.pk,
            meeting_id=meeting.pk,
            signed=self.rng.random() < 0.6,
            follow_up_on=meeting.starts_at.astimezone(self.seeder.tz).date() + timedelta(days=days),
            created_at=self.clock.soon(),
        )
        self.agreement = agreement
        self.rows.agreements.append(agreement)
        for text, who in self.rng.sample(data.AGREEMENT_ITEMS, self.rng.randint(1, 3)):
            due = agreement.follow_up_on if self.rng.random() < 0.3 else None
            self.rows.items.append(_row(AgreementItem, agreement_id=agreement.pk, text=text, who=who, due_on=due))

    def _from_in_mediation(self, new: str, outcome: str) -> None:
        clock = self.clock
        if new == FOLLOW_UP:
            self._meeting_chain(separate=self.plan.outcome == Outcome.RESOLVED_SEPARATE_TALKS)
            clock.advance(0.1, 3)
            self.change_status(IN_MEDIATION, FOLLOW_UP, "Afspraken gemaakt; nazorg gepland.")
            return
        if self.reopened:
            clock.advance(7, 21)
            self.meeting(Meeting.Kind.FOLLOW_UP, self.neutral_place())
            clock.advance(1, 7)
        elif outcome == Outcome.PARTY_B_DECLINED:
            clock.advance(2, 10)
            self.meeting(Meeting.Kind.INTAKE_A, HOME_A)
            for text in self.rng.sample(data.CONTACT_B_FAILED, self.rng.randint(1, 2)):
                clock.advance(2, 5)
                self.contact_attempt(text, by_mediator=True)
            clock.advance(1, 5)
            self.note(data.PARTY_B_DECLINED, clock.office())
        else:
            self._meeting_chain(separate=False, agreed=False)
            clock.advance(1, 7)
        self.change_status(IN_MEDIATION, CLOSED, outcome=outcome)

    def _from_follow_up(self, new: str, outcome: str) -> None:
        clock, agreement = self.clock, self.agreement
        if agreement is not None:
            due = datetime.combine(agreement.follow_up_on, clock_time(10), self.seeder.tz).astimezone(UTC)
            clock.raw = max(clock.raw, due)
            result = {
                Outcome.PARTLY_RESOLVED: self.rng.choices(["partly", "not_kept"], weights=(7, 3))[0],
                Outcome.NOT_RESOLVED: "not_kept",
            }.get(outcome) or self.rng.choices(["kept", "partly"], weights=(85, 15))[0]
            agreement.follow_up_result, agreement.follow_up_note = result, data.FOLLOW_UP_NOTES[result]
            self.note(data.FOLLOW_UP_NOTES[result], clock.office())
        clock.advance(0, 14)
        self.change_status(FOLLOW_UP, CLOSED, outcome=outcome)

    def _from_closed(self, new: str, outcome: str) -> None:
        self.clock.advance(*GAP_DAYS[(CLOSED, IN_MEDIATION)])
        self.reopened = True
        self.change_status(CLOSED, IN_MEDIATION, data.REOPENED)

    # -- where an open case stands now --

    def _now_new(self) -> None:
        age = self.seeder.now - self.plan.received_at
        if age > timedelta(days=2) and self.rng.random() < 0.7:
            for text in self.rng.sample(data.CONTACT_FAILED, 2 if age > timedelta(days=10) else 1):
                self.clock.advance(1, 4)
                self.contact_attempt(text)

    def _now_intake(self) -> None:
        if self.rng.random() < 0.4:
            self.note(self.rng.choice(data.NOTE_INTAKE), self.clock.soon())

    def _now_waiting(self) -> None:
        pass

    def _now_matching(self) -> None:
        proposed, accepted = Assignment.Status.PROPOSED, Assignment.Status.ACCEPTED
        self.clock.advance(0.5, 2)
        match self.plan.variant:
            case "proposed":
                self._form_duo(lead_status=proposed, co_status=proposed, decline_first=False)
            case "half":
                self._form_duo(lead_status=accepted, co_status=proposed, decline_first=False)
            case "declined":
                self._form_duo(lead_status=accepted, co_status=proposed, decline_first=True)

    def _now_in_mediation(self) -> None:
        self._meeting_chain(separate=self.rng.random() < 0.2)

    def _now_follow_up(self) -> None:
        pass
