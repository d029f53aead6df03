"""STUB: being written."""
from django.http import HttpResponse


def submissions(request, *args, **kwargs):
    return HttpResponse("todo", status=501)


def submissions_export(request, *args, **kwargs):
    return HttpResponse("todo", status=501)
