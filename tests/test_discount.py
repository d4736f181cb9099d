"""discount_rate as a rate, a list per calendar year or a named schedule."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import indsats


def _npv(base: dict[str, Any], rate: Any) -> float:
    base["discount_rate"] = rate
    res = indsats.simulate(base, 1, mode="mean_field", progress=False)
    return float(res.npv[0])


def test_presets_equal_their_first_rate_on_a_short_horizon(base: dict[str, Any]) -> None:
    assert _npv(base, "fm") == _npv(base, 0.035) == _npv(base, "greenbook")
    # The preset's years are fixed numbers of the scenario, one per calendar year.
    base["discount_rate"] = "fm"
    sc = indsats.Scenario.from_dict(base)
    rates = [p for p in sc.parameters() if p["path"].startswith("discount_rate")]
    assert [p["path"] for p in rates] == [f"discount_rate[{i}]" for i in range(4)]
    assert {p["mean"] for p in rates} == {0.035}


def test_a_list_per_year_discounts_later_years_more(base: dict[str, Any]) -> None:
    flat = _npv(base, [0.0, 0.0, 0.0, 0.0])
    assert flat == _npv(base, 0.0)
    later = _npv(base, [0.0, 0.0, 0.0, 0.5])
    sooner = _npv(base, [0.5, 0.0, 0.0, 0.0])
    assert not np.isclose(later, flat) and not np.isclose(sooner, flat)
    # 2018 is the first calendar year: a rate there discounts every later month.
    assert abs(sooner - flat) > abs(later - flat)


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        ("treasury", r"discount_rate: unknown discount schedule `treasury`; known: fm, greenbook"),
        ("greenbok", "did you mean `greenbook`"),
        ([0.03, 0.03], "discount_rate: expected one value per calendar year of the horizon"),
        ([0.03, 0.03, -2, 0.03], r"discount_rate\[2\]: must be a rate above −1"),
    ],
)
def test_bad_discount_rates_name_the_field(base: dict[str, Any], rate: Any, message: str) -> None:
    base["discount_rate"] = rate
    with pytest.raises(ValueError, match=message):
        indsats.Scenario.from_dict(base)
