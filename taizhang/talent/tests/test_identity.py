import pytest

from taizhang.talent import identity

from .conftest import valid_id


def test_the_check_character_of_a_known_number():
    # The standard's own example: 11010519491231002X.
    assert identity.check_character("11010519491231002") == "X"
    assert identity.problem("11010519491231002X") == ""
    assert identity.problem(identity.normalise(" 11010519491231002x ")) == ""


@pytest.mark.parametrize(
    ("number", "says"),
    [
        ("1101051949123100", "18"),
        ("11010519491231002Y", "17 digits"),
        ("110105194913310021", "not a real date"),
        ("110105194912310021", "should be X"),
    ],
)
def test_bad_numbers_are_refused_with_the_reason(number, says):
    assert says in identity.problem(number)


def test_masks_keep_what_the_contract_says():
    number = valid_id()
    assert identity.mask_id_number(number) == number[:3] + "*" * 11 + number[-4:]
    assert len(identity.mask_id_number(number)) == 18
    assert identity.mask_phone("13812345678") == "138****5678"
    assert identity.mask_email("zhang@example.com") == "z***@example.com"
    assert identity.mask_id_number("") == identity.mask_phone("") == ""


def test_only_ascii_digits_make_an_id_number():
    from taizhang.talent.identity import problem

    good = valid_id("19800101", "123")
    assert problem(good) == ""
    arabic_indic = good.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert problem(arabic_indic)  # the same number in other digits is not a second person
