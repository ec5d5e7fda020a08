"""The offline gazetteer: one place per name in any script, with coordinates."""

from __future__ import annotations

import pytest

from tidings.understand.places import Gazetteer


@pytest.mark.parametrize(
    ("name", "expected", "kind"),
    [
        ("利雅得", "Riyadh", "city"),
        ("الرياض", "Riyadh", "city"),
        ("Riyadh", "Riyadh", "city"),
        ("沙特阿拉伯", "Saudi Arabia", "country"),
        ("المملكة العربية السعودية", "Saudi Arabia", "country"),
        ("开罗", "Cairo", "city"),
        ("埃及", "Egypt", "country"),
        ("Moskva", "Moscow", "city"),
        ("Nga", "Russia", "country"),
    ],
)
def test_lookup_in_many_scripts(name, expected, kind):
    place = Gazetteer().lookup(name)
    assert place is not None and place.name_en == expected and place.kind == kind


def test_coordinates_and_unknowns():
    g = Gazetteer()
    cairo = g.lookup("Cairo")
    assert cairo is not None and abs(cairo.lat - 30.06) < 0.1 and abs(cairo.lon - 31.25) < 0.1
    assert g.lookup("Steve Witkoff") is None


def test_city_by_sound_within_a_country():
    # a machine translation's رياده next to "Saudi Arabia" is Riyadh
    place = Gazetteer().city_in_country_by_sound("رياده", "SA")
    assert place is not None and place.name_en == "Riyadh"
