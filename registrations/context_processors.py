"""Template context for every page: the unread notice badge and the review-queue link."""

from accounts.enums import Role

from .notices import unread_count
from .permissions import REVIEW_PAGE_ROLES


def notices(request):
    """`unread_notice_count` (one query, none for an anonymous visitor) and `shows_review_links`
    for regency staff who read the review pages. The link is decided by role alone, so the header
    costs no scope query; the pages behind it still check can_see_review_pages."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notice_count": unread_count(user),
        "shows_review_links": user.role in REVIEW_PAGE_ROLES or user.role == Role.SYSTEM_ADMIN or user.is_superuser,
    }
