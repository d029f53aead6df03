"""The API's error answers: DRF's, except that every 404 has the same body.

DRF passes an Http404's message on ("Kabupaten/kota tidak ditemukan.", "Batch tidak ditemukan."),
which would tell a caller which kind of object exists outside their scope. Out of scope and
missing must look alike (villages.selectors), so every 404 becomes DRF's plain NotFound.
"""

from django.http import Http404
from rest_framework.exceptions import NotFound
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, (Http404, NotFound)):
        exc = NotFound()
    return drf_exception_handler(exc, context)
