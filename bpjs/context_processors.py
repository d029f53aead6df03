"""Template context for every page: whether the header shows the BPJS links."""

from accounts.enums import BPJS_ROLES, EXPORT_BATCH_DOWNLOAD_ROLES


def bpjs_links(request):
    """`shows_bpjs_links` for those who download batches or import BPJS's answers (the regency
    page's button). Decided by role alone, so it costs no query; the pages behind the links still
    check the region (can_download_export_batch, can_import_bpjs_results). Nothing for an htmx
    fragment."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "htmx", False):
        return {}
    return {"shows_bpjs_links": user.role in EXPORT_BATCH_DOWNLOAD_ROLES | BPJS_ROLES}
