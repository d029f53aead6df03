from django.conf import settings

from .session import OFFICE_LABEL_KEY


def office(request):
    """The implementing office of the user's regency, for the page header (read from the session)."""
    session = getattr(request, "session", None)
    return {"cooloff_minutes": int(settings.AXES_COOLOFF_TIME * 60), "office_label": session.get(OFFICE_LABEL_KEY, "") if session is not None else ""}
