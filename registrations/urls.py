from django.urls import path

from . import import_urls, programme_urls

app_name = "registrations"
# The village officer's pages (views.py); programme pages and the Excel import have their own modules.
urlpatterns = [] + programme_urls.urlpatterns + import_urls.urlpatterns
