import pytest

from cases.models import Case


@pytest.mark.django_db
def test_factories_build_a_referred_case(referred_case):
    assert Case.objects.count() == 1
    assert referred_case.parties.count() == 2
