"""The read-only JSON API (/api/v1/): coverage per region, its history and the next level down, and
the BPJS export batches with where their nominees stand.

Who: the same rules as the pages. Coverage: reports.permissions.can_view_coverage on a region
found through villages.selectors' scoped querysets (everyone above the village, within their
regions; village officers see none). Export batches: the rule of the programme's batch list
(bpjs/views.py): anyone who sees the batch's regency as a whole
(accounts.scope.regencies_for_user). Out of scope and missing give the same 404
(api/exceptions.py). Anonymous calls: 401. GET only; lists are paginated (?page=N, 50 a page).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response

from bpjs.selectors import export_batches_for_user
from common.db_router import reads_from_replica
from reports.selectors import snapshot_trend

from .readings import (
    REGENCY_CODE_PATTERN,
    REGION_CODE_PATTERN,
    CoverageReading,
    child_readings,
    coverage_regions_for_user,
    current_reading,
    normalize_code,
    region_for_user,
)
from .serializers import CoverageSerializer, ErrorSerializer, ExportBatchSerializer, RegionSerializer

# Every answer besides 200 that a caller may get, in the schema: 400 a malformed parameter (a page
# that is not a whole number from 1, a string that is no region code), 401 no or a bad token, 404
# missing or out of scope (alike) or a page past the last, 429 too many calls.
ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 404: ErrorSerializer, 429: ErrorSerializer}

REGION_CODE = OpenApiParameter(
    "region_code", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=REGION_CODE_PATTERN,
    description="Kemendagri code of a province, regency, subdistrict or village, dotted or not (17, 17.05, "
                "1705, 17.05.01, 17.05.01.2002). A province's coverage is for its province viewers and the "
                "system administrator. `GET /api/v1/regions/` lists the regencies you may read.",
    examples=[OpenApiExample("Kabupaten Seluma", value="17.05"),
              OpenApiExample("Provinsi Bengkulu", value="17"),
              OpenApiExample("Kecamatan Sukaraja, Seluma", value="17.05.01"),
              OpenApiExample("Desa Niur, Seluma (undotted)", value="1705012002")])


@extend_schema(tags=["coverage"], summary="Regions whose coverage you may read",
               responses={200: RegionSerializer, **ERRORS},
               description="The regencies (kabupaten/kota) within your scope, by code, with links to their "
                           "coverage, history and subdistricts.")
@reads_from_replica
class RegionList(generics.ListAPIView):
    serializer_class = RegionSerializer

    def get_queryset(self):
        return coverage_regions_for_user(self.request.user)


@extend_schema(tags=["coverage"], parameters=[REGION_CODE], summary="Current coverage of a region",
               responses={200: CoverageSerializer, **ERRORS},
               description="UCJ, target, achievement, contribution and programme figures of a province, "
                           "regency, subdistrict or village from the latest recompute (live figures if the "
                           "region was never recomputed). A province's UCJ is measured against its own "
                           "official figure and target; its programme figures are its regencies' summed.")
@reads_from_replica
class CoverageDetail(generics.GenericAPIView):
    serializer_class = CoverageSerializer
    pagination_class = None

    def get(self, request, region_code):
        region = region_for_user(request.user, region_code)
        return Response(self.get_serializer(current_reading(region)).data)


@extend_schema(tags=["coverage"], parameters=[REGION_CODE], summary="Coverage history of a region",
               responses={200: CoverageSerializer, **ERRORS},
               description="One stored snapshot per computed day, oldest first.")
@reads_from_replica
class CoverageHistory(generics.ListAPIView):
    serializer_class = CoverageSerializer

    def list(self, request, region_code):
        region = region_for_user(request.user, region_code)
        page = self.paginate_queryset(snapshot_trend(region.code))
        readings = [CoverageReading.from_snapshot(row) for row in page]
        return self.get_paginated_response(self.get_serializer(readings, many=True).data)


@extend_schema(tags=["coverage"], parameters=[REGION_CODE], summary="Coverage of the next level down",
               responses={200: CoverageSerializer, **ERRORS},
               description="A province's regencies, a regency's subdistricts, or a subdistrict's villages, by "
                           "code (a village has none): programme figures per region, and UCJ where the region "
                           "has a denominator.")
@reads_from_replica
class CoverageChildren(generics.ListAPIView):
    serializer_class = CoverageSerializer

    def list(self, request, region_code):
        region = region_for_user(request.user, region_code)
        page = self.paginate_queryset(child_readings(region))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(tags=["export batches"], summary="BPJS export batches",
               responses={200: ExportBatchSerializer, **ERRORS},
               parameters=[OpenApiParameter("regency", OpenApiTypes.STR, OpenApiParameter.QUERY,
                                            pattern=REGENCY_CODE_PATTERN,
                                            description="Only this regency's batches (code, e.g. 17.05 or 1705).",
                                            examples=[OpenApiExample("Kabupaten Seluma", value="17.05")])])
@reads_from_replica
class ExportBatchList(generics.ListAPIView):
    serializer_class = ExportBatchSerializer

    def get_queryset(self):
        batches = export_batches_for_user(self.request.user)
        regency = self.request.query_params.get("regency", "").strip()
        if regency:
            batches = batches.filter(regency__code=normalize_code(regency, pattern=REGENCY_CODE_PATTERN))
        return batches


@extend_schema(tags=["export batches"], summary="One BPJS export batch",
               parameters=[OpenApiParameter("number", OpenApiTypes.STR, OpenApiParameter.PATH,
                                            description="The batch number, as on the batch list.",
                                            examples=[OpenApiExample("A Seluma batch", value="BPJS-1705-2026-001")])],
               responses={200: ExportBatchSerializer, **ERRORS})
@reads_from_replica
class ExportBatchDetail(generics.RetrieveAPIView):
    serializer_class = ExportBatchSerializer
    lookup_field = "number"

    def get_queryset(self):
        return export_batches_for_user(self.request.user)
