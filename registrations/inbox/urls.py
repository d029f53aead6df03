"""Notices (pemberitahuan): the user's own list and "mark all as read"."""

from django.urls import path

from . import views

urlpatterns = [
    path("pemberitahuan/", views.notice_list, name="notices"),
    path("pemberitahuan/sudah-dibaca/", views.notices_read, name="notices-read"),
]
