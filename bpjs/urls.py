# BPJS export batches (views.py): the programme's batches, making one, the file, the hand-over record;
# the branch's answer file: upload, preview, confirm, result.
from django.urls import path

from . import views as bpjs_views

urlpatterns = [
    path("kabupaten/<int:regency_pk>/bpjs/", bpjs_views.regency_batches, name="bpjs-regency"),
    path("program/<int:pk>/bpjs/", bpjs_views.batch_list, name="export-batch-list"),
    path("program/<int:pk>/bpjs/buat/", bpjs_views.batch_create, name="export-batch-create"),
    path("bpjs/<int:batch_pk>/unduh/", bpjs_views.batch_download, name="export-batch-download"),
    path("bpjs/<int:batch_pk>/berita-acara/", bpjs_views.batch_record, name="export-batch-record"),
    path("kabupaten/<int:regency_pk>/bpjs/kolom/", bpjs_views.layout_edit, name="bpjs-layout"),
    path("kabupaten/<int:regency_pk>/bpjs/jawaban/", bpjs_views.answer_upload, name="bpjs-answer-upload"),
    path("kabupaten/<int:regency_pk>/bpjs/jawaban/<str:token>/", bpjs_views.answer_preview,
         name="bpjs-answer-preview"),
    path("kabupaten/<int:regency_pk>/bpjs/jawaban/<str:token>/simpan/", bpjs_views.answer_confirm,
         name="bpjs-answer-confirm"),
    path("kabupaten/<int:regency_pk>/bpjs/jawaban/<str:token>/hasil/", bpjs_views.answer_result,
         name="bpjs-answer-result"),
]
