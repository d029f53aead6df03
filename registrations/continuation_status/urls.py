"""The office's read-only view of a continuing programme's villages (views.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("program/<int:pk>/lanjutan/", views.programme_continuation, name="programme-continuation"),
]
