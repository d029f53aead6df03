# The budget room (views.py): a programme's budget, its premium bills and the finance office's recap.
from django.urls import path

from . import views

urlpatterns = [
    path("program/<int:pk>/anggaran/", views.budget_detail, name="budget-detail"),
    path("program/<int:pk>/anggaran/tambah/", views.budget_entry_create, name="budget-entry-create"),
    path("program/<int:pk>/anggaran/rekap.xlsx", views.budget_recap, name="budget-recap"),
    path("program/<int:pk>/tagihan/catat/", views.bill_record, name="bill-record"),
    path("program/<int:pk>/tagihan/impor/", views.bill_import, name="bill-import"),
    path("program/<int:pk>/tagihan/impor/template.xlsx", views.bill_import_template, name="bill-import-template"),
    path("program/<int:pk>/tagihan/impor/<str:token>/", views.bill_import_preview, name="bill-import-preview"),
    path("program/<int:pk>/tagihan/impor/<str:token>/simpan/", views.bill_import_confirm, name="bill-import-confirm"),
]
