"""STUB: being written."""
from django.http import HttpResponse


def detail(request, *args, **kwargs):
    return HttpResponse("todo", status=501)


def decide(request, *args, **kwargs):
    return HttpResponse("todo", status=501)
