from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from demo.scenario import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Muat skenario demo: wilayah Kabupaten Seluma dan satu pengguna demo per peran. Aman diulang."

    def handle(self, *args, **options):
        try:
            users = demo_load()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        self.stdout.write("Wilayah Kabupaten Seluma (17.05) dimuat.")
        self.stdout.write(f"Pengguna demo (kata sandi semuanya: {DEMO_PASSWORD}):")
        for user in users:
            self.stdout.write(f"  {user.username:<22} {user.role.label}")
        self.stdout.write(self.style.SUCCESS("Buka http://127.0.0.1:8000/ dan masuk dengan salah satu akun di atas."))
