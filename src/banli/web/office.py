"""What the office's administration pages share: the door (logged in, and the office: anyone else
gets the refusal page, 403, before a form is read), and running an action on a checked form, its
refusal shown beside the field it names."""

from functools import wraps

from django.contrib.auth.decorators import login_required

from banli.errors import BanliError
from banli.org.actions.office import require_office

def office_only(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        require_office(request.user)
        return view(request, *args, **kwargs)

    return wrapper


def attempt(form, run):
    """When the form is valid, run(cleaned_data): (its result, True); (None, False) when the form
    or the action refused, the message then on the form. A refusal that is not about the input
    (not the office, not found) goes up to the error page."""
    if not form.is_valid():
        return None, False
    try:
        return run(form.cleaned_data), True
    except BanliError as err:
        if err.status in (403, 404):
            raise
        field = err.field if err.field in form.fields else None
        form.add_error(field, err.message)
        return None, False
