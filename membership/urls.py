"""The membership pages (DOMAIN.md §9), under /kepesertaan/."""

app_name = "membership"

urlpatterns: list = []
