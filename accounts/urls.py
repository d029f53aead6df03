from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("kata-sandi/", views.PasswordChangeView.as_view(), name="password-change"),
    path("kabupaten/<int:pk>/akun/", views.regency_accounts, name="regency-accounts"),
    path("kabupaten/<int:pk>/akun/buat-akun-desa/", views.regency_village_accounts_create,
         name="regency-village-accounts-create"),
    path("kabupaten/<int:pk>/akun/reset-kata-sandi-desa/", views.regency_village_passwords_reset,
         name="regency-village-passwords-reset"),
    path("kabupaten/<int:pk>/akun/<int:user_pk>/ubah/", views.regency_account_edit, name="regency-account-edit"),
    path("kabupaten/<int:pk>/akun/<int:user_pk>/reset-kata-sandi/", views.regency_account_password_reset,
         name="regency-account-password-reset"),
]
