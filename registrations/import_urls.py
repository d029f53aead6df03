# The nominee Excel template and import (import_views.py).
urlpatterns = []
