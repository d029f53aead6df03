"""STUB: being written."""
from django.http import HttpResponse


def queue(request, *args, **kwargs):
    return HttpResponse("todo", status=501)


def village(request, *args, **kwargs):
    return HttpResponse("todo", status=501)


def bulk_decide(request, *args, **kwargs):
    return HttpResponse("todo", status=501)
