"""The membership pages (DOMAIN.md §9), under /kepesertaan/."""

from django.urls import include, path

app_name = "membership"

urlpatterns: list = [
    path("", include("membership.claims.urls")),  # benefit claims
    path("", include("membership.budget.urls")),  # the budget and premium bills
]
