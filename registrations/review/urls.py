# The regency's review pages: the queue, a village's list, bulk decisions (views.py); one
# nominee's page with its timeline and decision form (nominee_views.py); submission tracking
# (tracking_views.py); the auditor's event export (audit_views.py).
from django.urls import path

from . import audit_views, nominee_views, tracking_views
from . import views as review_views

urlpatterns = [
    path("verifikasi/", review_views.queue, name="review-queue"),
    path("verifikasi/<int:programme_pk>/desa/<int:village_pk>/", review_views.village, name="review-village"),
    path("verifikasi/<int:programme_pk>/cari-desa/", review_views.village_suggestions,
         name="review-village-search"),
    path("verifikasi/<int:programme_pk>/keputusan/", review_views.bulk_decide, name="review-bulk"),
    path("calon/<int:pk>/", nominee_views.detail, name="nominee-detail"),
    path("calon/<int:pk>/keputusan/", nominee_views.decide, name="nominee-decide"),
    path("program/<int:pk>/pengiriman/", tracking_views.submissions, name="programme-submissions"),
    path("program/<int:pk>/pengiriman.xlsx", tracking_views.submissions_export,
         name="programme-submissions-export"),
    path("kabupaten/<int:regency_pk>/audit/", audit_views.events_export, name="audit-events"),
]
