from buurtbemiddeling import roles


def navigation(request):
    """The areas the current user may open, for the navigation bar."""
    user = request.user
    return {
        "nav": {
            "coordinator": roles.is_coordinator(user),
            "mediator": roles.is_mediator(user),
            "referrer": roles.is_referrer(user),
            "steering_group": roles.is_steering_group(user),
            "admin": getattr(user, "is_staff", False) and user.is_active,
        }
    }
