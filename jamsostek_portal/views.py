from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.http import require_GET


@require_GET
def healthz(request):
    """For load balancers and monitoring: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "database unavailable"}, status=503)


# --- Error pages ------------------------------------------------------------------------------
# In Indonesian, rendered without the request's context processors: an error page must show even
# when the database does not answer (and a 404 is what every officer sees for anything outside
# their regions, so it must cost nothing). Under /api/ the answer is JSON, as the API's own errors.

ERRORS = {
    400: ("Permintaan tidak dapat diproses",
          ["Isian atau alamat halaman tidak sesuai. Kembali ke halaman sebelumnya dan coba lagi."],
          "Permintaan tidak sah."),
    403: ("Akses ditolak",
          ["Anda tidak berwenang membuka halaman ini, atau formulirnya sudah kedaluwarsa. Muat ulang halaman "
           "lalu coba lagi."],
          "Akses ditolak."),
    404: ("Halaman tidak ditemukan",
          ["Halaman ini tidak ada, atau bukan bagian dari wilayah Anda. Periksa alamatnya, atau kembali ke "
           "beranda."],
          "Tidak ditemukan."),
    500: ("Terjadi gangguan",
          ["Maaf, terjadi gangguan di server. Perubahan terakhir Anda belum tersimpan.",
           "Tunggu sebentar lalu coba lagi. Bila masih gagal, hubungi admin dinas."],
          "Terjadi gangguan di server; perubahan belum tersimpan. Coba lagi."),
}


def _error(request, status: int):
    title, lines, detail = ERRORS[status]
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail}, status=status)
    html = loader.get_template("errors/error.html").render({"title": title, "lines": lines, "status": status})
    return HttpResponse(html, status=status)


def bad_request(request, exception=None):
    return _error(request, 400)


def permission_denied(request, exception=None):
    return _error(request, 403)


def page_not_found(request, exception=None):
    return _error(request, 404)


def server_error(request):
    return _error(request, 500)


def csrf_failure(request, reason=""):
    """settings.CSRF_FAILURE_VIEW: a form sent without a valid token (a page left open too long)."""
    return _error(request, 403)
