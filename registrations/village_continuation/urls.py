"""The village's confirmation of a continuing programme's members (views.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("program/<int:programme_pk>/desa/<int:village_pk>/lanjutan/", views.continuation_confirm,
         name="continuation-confirm"),
]
