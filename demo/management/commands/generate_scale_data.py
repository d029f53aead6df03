"""generate_scale_data: a programme full of valid nominees in every loaded regency, for benchmarks."""

import json as jsonlib
import time

from django.core.management.base import BaseCommand, CommandError

from demo import scale
from villages.loader import RegionCodeError, normalize_codes


class Command(BaseCommand):
    help = (
        "Buat data uji skala: untuk setiap kabupaten/kota di bawah kode yang diberikan (semua yang sudah dimuat "
        "bila tanpa kode) satu program \"Data uji skala <tahun>\" tanpa kuota dengan N calon per desa dalam "
        "berbagai status, lengkap dengan riwayat, serta target dan angka resmi UCJ. Hanya untuk uji, tidak di "
        "produksi. Menjalankan ulang mengganti data uji sebelumnya."
    )

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="kode provinsi atau kabupaten/kota, mis. 17 atau 17.05")
        parser.add_argument("--per-village", type=int, required=True, help="jumlah calon per desa (0 boleh)")
        parser.add_argument("--seed", type=int, default=1, help="benih acak: data yang sama untuk benih yang sama")
        parser.add_argument("--workers", type=int, default=None, help="proses pembuat baris (bawaan: jumlah inti)")
        parser.add_argument("--json", action="store_true",
                            help='baris terakhir: {"nominees": …, "programmes": {"<kode>": <id>, …}}')

    def handle(self, *args, codes, per_village, seed, workers, **options):
        as_json = options["json"]
        if per_village < 0:
            raise CommandError("--per-village tidak boleh negatif.")
        try:
            scale.refuse_in_production()
            dotted = normalize_codes(codes) if codes else []
        except (scale.ScaleDataRefused, RegionCodeError) as error:
            raise CommandError(str(error)) from None
        regencies = scale.regencies_under(dotted)
        if not regencies:
            raise CommandError("Tidak ada kabupaten/kota yang dimuat untuk kode itu: jalankan dulu "
                               "'manage.py load_regions'.")
        started = time.monotonic()

        def progress(done, total):
            if not as_json and (done == total or done % 10 == 0):
                self.stdout.write(f"  {done}/{total} bagian ditulis")

        result = scale.generate(dotted, per_village=per_village, seed=seed, workers=workers, progress=progress)
        seconds = time.monotonic() - started
        if as_json:
            self.stdout.write(_json({"nominees": result.nominees, "programmes": result.programmes}))
        else:
            self.stdout.write(self.style.SUCCESS(
                f"{result.nominees} calon di {len(result.programmes)} kabupaten/kota, {seconds:.1f} detik."))


def _json(data) -> str:
    return jsonlib.dumps(data, sort_keys=True)
