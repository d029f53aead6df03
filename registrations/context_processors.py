"""Template context for every page: the unread notice badge, the review-queue and BPJS links."""

from accounts.enums import Role

from .notices import unread_count
from .permissions import BPJS_ROLES, EXPORT_BATCH_DOWNLOAD_ROLES, REVIEW_PAGE_ROLES


def notices(request):
    """`unread_notice_count` (one query, none for an anonymous visitor) and `shows_review_links`
    for regency staff who read the review pages, `shows_bpjs_links` for those who download batches or
    import BPJS's answers (the regency page's button). The links are decided by role alone, so they
    cost no scope query on every page; the pages behind them still check the region
    (can_see_review_pages, can_download_export_batch, can_import_bpjs_results). Nothing for an htmx
    fragment."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "htmx", False):
        return {}  # an htmx fragment (an export's progress, polled every 2 s) has no header
    return {
        "unread_notice_count": unread_count(user),
        "shows_review_links": user.role in REVIEW_PAGE_ROLES or user.role == Role.SYSTEM_ADMIN or user.is_superuser,
        "shows_bpjs_links": user.role in EXPORT_BATCH_DOWNLOAD_ROLES | BPJS_ROLES,
    }
