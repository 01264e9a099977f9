from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from buurtbemiddeling.roles import Role, has_role


def role_required(role: Role):
    """Anonymous visitors go to the login page; logged-in users without the role get 404.

    404 rather than 403, as for cases: an area that is not yours does not exist for you.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, role):
                raise Http404("Not found.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
