"""STUB: being written."""
from django.http import HttpResponse


def events_export(request, *args, **kwargs):
    return HttpResponse("todo", status=501)
