"""All writes of the mediators app, one module per area: the pool, recruitment, duo matching.

Keyword-only, typed, one transaction each. Emails are never sent here: a Notification row with a
uniqueness key is written in the deciding transaction and the minute sweep sends it
(buurtbemiddeling.notifications). Case events written here are in the service's language
(settings.LANGUAGE_CODE) and name mediators and roles, never a party.

Import from here (``from mediators import services``); the modules behind it are an
implementation detail that may be split further.
"""

from .pool import (
    MediatorData,
    add_absence,
    add_training_record,
    normalise_postcode,
    remove_absence,
    remove_training_record,
    set_availability,
    update_mediator,
)
from .proposals import (
    accept_proposal,
    decline_proposal,
    expire_proposal,
    proposal_declined_key,
    proposal_expired_key,
    proposal_key,
    proposal_reminder_key,
    propose,
    schedule_proposal_reminders,
    sweep_proposals,
    withdraw_proposal,
)
from .recruitment import (
    ApplicationData,
    accept_application,
    move_application,
    send_set_password_again,
    set_password_key,
    split_name,
    submit_application,
)

__all__ = [
    "ApplicationData",
    "MediatorData",
    "accept_application",
    "accept_proposal",
    "add_absence",
    "add_training_record",
    "decline_proposal",
    "expire_proposal",
    "move_application",
    "normalise_postcode",
    "proposal_declined_key",
    "proposal_expired_key",
    "proposal_key",
    "proposal_reminder_key",
    "propose",
    "remove_absence",
    "remove_training_record",
    "schedule_proposal_reminders",
    "send_set_password_again",
    "set_availability",
    "set_password_key",
    "split_name",
    "submit_application",
    "sweep_proposals",
    "update_mediator",
    "withdraw_proposal",
]
