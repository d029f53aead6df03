"""registrations.lookalikes.name_key and mother_name_hash: the normalisation behind "mungkin orang
yang sama". Properties (hypothesis) and the spelling variants a reviewer meets on Bengkulu's lists."""

import re
import string

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from registrations.lookalikes import FOLDED_WORDS, mother_name_hash, mothers_agree, name_key

# Names as villages type them: letters, spaces, the punctuation of titles and degrees.
NAME_TEXT = st.text(alphabet=string.ascii_letters + " .,'-" + "éÉöü", max_size=40)
# Words of a name, none of them a title, a degree or a way of writing Muhammad (those are tried apart).
WORDS = st.lists(st.text(alphabet="abcdefghijklmnoprstuwy", min_size=2, max_size=8)
                 .filter(lambda word: word not in FOLDED_WORDS), min_size=1, max_size=4)


@given(NAME_TEXT)
def test_the_key_of_a_key_is_the_key(text):
    assert name_key(name_key(text)) == name_key(text)


@given(st.text(max_size=40))
def test_any_text_gives_a_key_of_letters_and_digits(text):
    key = name_key(text)

    assert key == "" or key.isalnum() and key.isascii() and key == key.lower()


@given(WORDS)
def test_case_spaces_and_punctuation_do_not_matter(words):
    plain = " ".join(words)

    assert name_key(plain.upper()) == name_key(plain)
    assert name_key("  " + "   ".join(words) + " ") == name_key(plain)
    assert name_key("-".join(words)) == name_key("".join(words))


@given(WORDS)
def test_old_spelling_collapses_onto_the_new(words):
    modern = " ".join(words)
    # u was oe, y was j (but dj and tj were other letters: j and c).
    old = re.sub(r"(?<![dt])(?<![dt] )y", "j", modern.replace("u", "oe"))  # spaces do not count
    assume(not FOLDED_WORDS.intersection(old.split()))  # "hy" in the old spelling is the title "Hj."

    assert name_key(old) == name_key(modern)


@given(WORDS)
def test_double_letters_collapse(words):
    plain = " ".join(words)
    # "ddjj" is no way of writing "dj".
    assume(not any(pair in "".join(words) for pair in ("oe", "dj", "tj", "ch", "kh")))
    doubled = "".join(char * 2 if char.isalpha() else char for char in plain)

    assert name_key(doubled) == name_key(plain)


@given(WORDS, st.sampled_from(["H.", "Hj.", "Drs.", "Dra.", "Ir.", "Dr.", "H"]),
       st.sampled_from([", S.Pd", ", S.E., M.M.", " S.Pd", " S.Pd.I", ", A.Md", ""]))
def test_titles_and_degrees_are_stripped(words, title, degree):
    name = " ".join(words)

    assert name_key(f"{title} {name}{degree}") == name_key(name) or words[-1] in {"sp", "st", "se", "sh"}


@pytest.mark.parametrize(("one", "other"), [
    ("Soekarno", "Sukarno"),
    ("Djoko Santoso", "Joko Santoso"),
    ("Tjipto Mangoenkoesoemo", "Cipto Mangunkusumo"),
    ("Jahja", "Yahya"),
    ("Chairul Anwar", "Khairul Anwar"),
    ("Achmad Rachmat", "Ahmad Rahmat"),
    ("Sjarifuddin", "Syarifudin"),
    ("Njoman Suarsa", "Nyoman Suarsa"),
    ("Abdullah Hassan", "Abdulah Hasan"),
    ("Rudy Hartono", "Rudi Hartono"),
    ("Nur Aini", "Nuraini"),
    ("Ma'ruf Amin", "Maruf Amin"),
    ("H. Ahmad Dahlan", "Ahmad Dahlan"),
    ("Hj. Siti Aminah, S.Pd", "Siti Aminah"),
    ("Drs. Budi Santoso, M.Pd.", "BUDI SANTOSO"),
    ("Budi Santoso S.Pd", "Budi Santoso"),
    ("Muhammad Yusuf", "Mohammad Yusuf"),
    ("Muhamad Yusuf", "M. Yusuf"),
    ("Moh. Yusuf", "Mochammad Jusuf"),
    ("Muh Yusuf", "Mhd. Yusuf"),
    ("André Wijaya", "Andre Wijaya"),
])
def test_spelling_variants_share_a_key(one, other):
    assert name_key(one) == name_key(other) != ""


@pytest.mark.parametrize(("one", "other"), [
    ("Budi Santoso", "Budi Santosa"),
    ("Siti Aminah", "Siti Aminah Lubis"),
    ("Ahmad Fauzi", "Ahmad Fauzan"),
    ("Calon 1", "Calon 2"),  # the digits of a stand-in name are kept
])
def test_different_names_keep_different_keys(one, other):
    assert name_key(one) != name_key(other)


def test_a_name_with_nothing_left_has_no_key():
    assert name_key("") == name_key(" .,- ") == ""
    assert name_key("H.") == "h"  # a one-word name is kept, even a title alone


def test_mother_hash_is_keyed_equal_for_variants_and_empty_when_not_given():
    assert mother_name_hash("Siti Djoeleha") == mother_name_hash("SITI JULEHA")
    assert mother_name_hash("Siti Juleha") != mother_name_hash("Siti Aminah")
    assert len(mother_name_hash("Siti Juleha")) == 64 and "juleha" not in mother_name_hash("Siti Juleha")
    assert mother_name_hash("") == mother_name_hash("  ") == ""


def test_mothers_agree_unless_both_given_and_different():
    juleha, aminah = mother_name_hash("Siti Juleha"), mother_name_hash("Siti Aminah")

    assert mothers_agree(juleha, juleha)
    assert mothers_agree(juleha, "") and mothers_agree("", juleha) and mothers_agree("", "")
    assert not mothers_agree(juleha, aminah)
