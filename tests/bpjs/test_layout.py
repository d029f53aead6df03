"""bpjs: the regency's column layout of the BPJS registration file (DOMAIN.md §8: a per-regency
setting with a default), on its own page beside the regency's BPJS batches."""

import pytest
from django.urls import reverse

from bpjs import registration_file as bpjs_export
from bpjs import services
from bpjs.models import RegistrationFileLayout

# --- the BPJS file's column layout (issue 6: a per-regency setting with a default) ---------------

def layout_url(regency):
    return reverse("registrations:bpjs-layout", args=[regency.pk])


def layout_form(**changes) -> dict:
    return {"columns": bpjs_export.layout_text(), **changes}  # the default layout, as the page shows it


def saved_layout(regency) -> list:
    return services.layout_for(regency)


def test_settings_page_shows_the_default_layout_and_the_catalogue(login, regency_admin, seluma):
    response = login(regency_admin).get(layout_url(seluma))

    page = " ".join(response.content.decode().split())
    # DOMAIN.md §8's default, in its order: No · NIK · Nama · Tempat lahir · … · Kode wadah.
    default_text = ("no\nnik\nname\nbirth_place\nbirth_date\nsex\naddress\npostal_code\nvillage\nsubdistrict\n"
                    "phone\nemail\noccupation\nincome\nprogrammes\npremium\nmonths\nstart\nfunding_code")
    assert f'aria-describedby="id_columns_helptext kolom-tersedia">{default_text}</textarea>' in (
        response.content.decode())
    assert response.context["form"]["columns"].value() == "\n".join(bpjs_export.DEFAULT_LAYOUT)
    assert "<td><code>no</code></td><td>No</td><td>ya</td>" in page
    assert "<td><code>nik</code></td><td>NIK</td><td>ya</td>" in page
    assert "<td><code>funding_code</code></td><td>Kode wadah</td><td>ya</td>" in page
    assert "<td><code>mother_maiden_name</code></td><td>Nama ibu kandung</td><td>—</td>" in page
    assert "Berkas pendaftaran ke BPJS Ketenagakerjaan" in page
    for column in bpjs_export.COLUMNS.values():  # every column the app can fill, with its default header
        assert f"<td><code>{column.key}</code></td><td>{column.header}</td>" in page
    assert "<td><code>kk</code></td><td>No. KK</td><td>—</td>" in page  # not in the default layout
    assert 'name="reset"' in page and "Kembalikan ke susunan bawaan" in page


def test_regency_admin_sets_the_branch_layout_with_its_own_headers(login, regency_admin, seluma):
    client = login(regency_admin)

    response = client.post(layout_url(seluma), layout_form(
        columns="no\r\nnik: NIK KTP\r\nname: Nama Tenaga Kerja\r\nkk\r\n"))

    assert response.status_code == 302
    saved = RegistrationFileLayout.objects.get(regency=seluma)
    assert saved.columns == [{"key": "no"}, {"key": "nik", "header": "NIK KTP"},
                                        {"key": "name", "header": "Nama Tenaga Kerja"}, {"key": "kk"}]
    assert saved.history.latest().history_user == regency_admin
    again = client.get(layout_url(seluma))
    assert again.context["form"]["columns"].value() == "no\nnik: NIK KTP\nname: Nama Tenaga Kerja\nkk"


@pytest.mark.parametrize(("text", "errors"), [
    ("nik\nnama_lengkap", ['Baris 2: kolom "nama_lengkap" tidak dikenal. Pakai kode dari daftar kolom yang tersedia.']),
    ("nik\nname\nnik", ['Baris 3: kolom "nik" sudah ada di baris 1; setiap kolom hanya sekali.']),
    ("", ['Susunan kolom kosong. Tulis satu kolom per baris, atau pilih "Kembalikan ke susunan bawaan".']),
])
def test_an_unusable_layout_is_refused_in_indonesian_and_nothing_is_saved(login, regency_admin, seluma, text,
                                                                          errors):
    response = login(regency_admin).post(layout_url(seluma), layout_form(columns=text))

    assert response.status_code == 200
    assert response.context["form"].errors == {"columns": errors}
    page = response.content.decode()
    assert all(error.replace('"', "&quot;") in page for error in errors)
    assert saved_layout(seluma) == []


def test_reset_brings_back_the_default_whatever_the_box_holds(login, regency_admin, seluma):
    services.layout_set(regency=seluma, columns=[{"key": "nik", "header": "NIK KTP"}], changed_by=regency_admin)

    response = login(regency_admin).post(layout_url(seluma), layout_form(
        columns="nik\nbukan_kolom", reset="on"))

    assert response.status_code == 302
    assert saved_layout(seluma) == []


def test_saving_the_page_as_shown_keeps_the_default_layout(login, regency_admin, seluma):
    client = login(regency_admin)
    shown = client.get(layout_url(seluma)).context["form"]["columns"].value()

    client.post(layout_url(seluma), layout_form(columns=shown))

    assert saved_layout(seluma) == []


@pytest.mark.parametrize("persona", ["reviewer", "bpjs_officer", "other_admin", "viewer", "officer"])
def test_layout_post_out_of_scope_is_404_and_changes_nothing(request, login, seluma, persona):
    response = login(request.getfixturevalue(persona)).post(layout_url(seluma), layout_form(
        columns="nik"))

    assert response.status_code == 404
    assert not RegistrationFileLayout.objects.filter(regency=seluma).exists()
