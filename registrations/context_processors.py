"""Template context for every page: the unread notice badge and the review-queue links (the BPJS
links are bpjs.context_processors')."""

from accounts.enums import REVIEW_PAGE_ROLES, REVIEW_WORK_ROLES

from .notices import unread_count


def notices(request):
    """`unread_notice_count` (one query, none for an anonymous visitor), `shows_review_links` for
    regency staff who read the review pages (the decision log, the submission tracking), and
    `shows_review_queue` for those who work the review (accounts.enums.REVIEW_WORK_ROLES): the
    header's "Antrean verifikasi" is not offered to the regent's office viewer, who reviews nothing. The links are decided by role alone, so they cost no
    scope query on every page; the pages behind them still check the region (can_see_review_pages).
    Nothing for an htmx fragment."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "htmx", False):
        return {}  # an htmx fragment (an export's progress, polled every 2 s) has no header
    return {
        "unread_notice_count": unread_count(user),
        "shows_review_links": user.role in REVIEW_PAGE_ROLES or user.is_system_admin,
        "shows_review_queue": user.role in REVIEW_WORK_ROLES or user.is_system_admin,
    }
