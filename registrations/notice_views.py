"""STUB: being written."""
from django.http import HttpResponse


def notice_list(request, *args, **kwargs):
    return HttpResponse("todo", status=501)


def notices_read(request, *args, **kwargs):
    return HttpResponse("todo", status=501)
