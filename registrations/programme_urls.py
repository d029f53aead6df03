# Programme pages for regency staff (programme_views.py).
urlpatterns = []
