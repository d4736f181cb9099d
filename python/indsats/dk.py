"""Danish defaults: the rules, rates and typical costs a scenario needs, each with its source.

What is here
------------
* :class:`Figure` - one number with its unit, its source and its status. A figure is *sourced*
  (a public source states it), *derived* (calculated from sourced numbers; the calculation is in
  ``note``) or an *assumption* (no public figure was found; ``low``/``high`` give the plausible
  range where one exists). Every figure is a module constant whose name equals ``Figure.name``,
  e.g. :data:`CASEWORKER_FTE_COST_YEAR`, :data:`MUNICIPAL_SHARE_LONG_TERM`.
* :data:`REFUSION_LADDER_2016` - the state refusion ladder of the 2016 refusionsreform in the
  scenario format (weeks turned into months).
* Benefit rate tables (kontanthjælp, uddannelseshjælp incl. aktivitetstillæg, ungesats,
  ressourceforløbsydelse, førtidspension) by group and year, :data:`SATSREGULERING` (the actual
  yearly changes) and :func:`rate`, which extrapolates beyond the tables with the assumed
  satsregulering :data:`SATSREGULERING_EXTRAPOLATION`.
* :func:`resolve_references` - replaces references in a scenario by numbers or distributions.
* :func:`figures`, :func:`assumptions`, :func:`rate_entries` - lists for an assumptions sheet.

All amounts are kroner (DKK), nominal, before tax, per month unless the unit says otherwise.
Official values should be re-checked against retsinformation.dk, bm.dk and jobindsats.dk
before publication.

Referring to these figures from a scenario
------------------------------------------
Anywhere a scenario takes a number, it may instead hold a reference:

* ``{ rate = "<group>", year = <int> }`` - the official monthly rate of a group in a year
  (see :func:`rate`; :func:`rate_groups` lists the groups). ``year`` may be left out; it then
  defaults to the year of the scenario's ``start``. An optional ``scale`` multiplies the rate,
  e.g. by a municipal share.
* ``{ dk = "<FIGURE_NAME>" }`` - the value of a figure. When the figure is an assumption with a
  range, the reference becomes the distribution
  ``{ dist = "pert", min = low, mode = value, max = high }``. Optional keys: ``scale`` (multiplies
  the value, or min/mode/max) and ``dist`` (``"pert"`` - the default -, ``"triangular"``,
  ``"uniform"`` or ``"fixed"`` for the central value only).
* ``{ dk = "REFUSION_LADDER_2016" }`` - the refusion ladder.

.. code-block:: toml

    start = "2018-01"

    [benefit]
    refusion = { dk = "REFUSION_LADDER_2016" }
    indexation = { dk = "SATSREGULERING_EXTRAPOLATION" }  # pert(0.010, 0.0125, 0.016)

    [destinations]
    flexjob = { relapse = 0.03, cost_month = { dk = "FLEXJOB_SUBSIDY_MONTH", scale = 0.8 } }

    [destinations.pension]
    relapse = 0.0
    cost_month = { rate = "foertidspension_single", scale = 0.8 }  # year from start: 2018
    state_month = { rate = "foertidspension_single", scale = 0.2 }

    [[segments]]
    name = "over 30, no children"
    initial = { dk = "STOCK_KONTANTHJAELP_50K" }  # pert(400, 450, 600)
    benefit_month = { rate = "kontanthjaelp_30plus_other", year = 2018 }  # 11282.0, gross
    exit = { job = { dk = "EXIT_YEAR_JOB" }, education = { dk = "EXIT_YEAR_EDUCATION" } }

    [intervention.caseload]
    base = 70
    target = 35
    fte_cost_year = { dk = "CASEWORKER_FTE_COST_YEAR" }
    elasticity = { dk = "CASELOAD_ELASTICITY", dist = "triangular" }

``benefit_month`` is the gross rate: the engine applies the refusion ladder itself, so it must
not be scaled by a municipal share. A destination's ``cost_month`` is the municipality's part
and ``state_month`` the state's, so there the share goes into ``scale``.
"""

from __future__ import annotations

import copy
import difflib
import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Final


@dataclass(frozen=True, kw_only=True)
class Figure:
    """One number with its unit, source and status.

    ``assumption`` is true when no public figure was found; ``low``/``high`` then give the
    plausible range (both or neither). ``derived`` is true when the value was calculated from
    sourced numbers (the calculation is in ``note``). ``year`` is the price or rate year where
    one applies.
    """

    name: str
    value: float
    unit: str
    source: str
    assumption: bool = False
    low: float | None = None
    high: float | None = None
    note: str = ""
    label: str = ""
    derived: bool = False
    year: int | None = None

    def __post_init__(self) -> None:
        if (self.low is None) != (self.high is None):
            raise ValueError(f"{self.name}: give both low and high, or neither")
        if self.low is not None and self.high is not None:
            if not self.assumption:
                raise ValueError(f"{self.name}: only an assumption has a range")
            if not self.low <= self.value <= self.high or self.low >= self.high:
                raise ValueError(f"{self.name}: need low <= value <= high and low < high")
        if not self.source:
            raise ValueError(f"{self.name}: a figure needs a source (or the reason it has none)")

    @property
    def has_range(self) -> bool:
        """True for an assumption with a range."""
        return self.low is not None and self.high is not None

    @property
    def status(self) -> str:
        """``"assumption"``, ``"derived"`` or ``"sourced"``."""
        if self.assumption:
            return "assumption"
        return "derived" if self.derived else "sourced"


@dataclass(frozen=True, kw_only=True)
class Rate:
    """The monthly rate of a benefit group in one year, with its source."""

    group: str
    year: int
    value: float
    source: str
    derived: bool = False
    note: str = ""


_NO_SOURCE: Final = "No published figure found"

# ---------------------------------------------------------------------------------------------
# Sources (titles and addresses as published)
# ---------------------------------------------------------------------------------------------

_SRC_LOV_994_5: Final = (
    "Lov nr. 994 af 30/08/2015 om kommunernes finansiering af visse offentlige ydelser udbetalt "
    "af kommunerne, Udbetaling Danmark og arbejdsløshedskasserne, § 5, stk. 2, "
    "https://elov.dk/lov-om-kommunernes-finansiering-af-visse-offentlige-ydelser-udbetalt-af-kommunerne-udbetaling-danmark-og-arbejdsloshedskasserne/5/"
    " ; STAR budget- og konteringsvejledning 5.58.80 ('80 pct. i de første fire uger, 40 pct. fra "
    "uge 5-26, 30 pct. fra uge 27-52 og 20 pct. fra uge 53'), "
    "http://star.dk/da/Ydelser-og-ferie/Den-digitale-budget-og-konteringsvejledning/Funktionsomraader/55880-Revalidering.aspx"
)
_SRC_LOV_994_5_3: Final = (
    "Lov nr. 994 af 30/08/2015 (finansieringsloven), § 2 and § 5, stk. 3 (medfinansiering "
    "20/60/70/80 % of ydelser paid by a-kasser and Udbetaling Danmark), "
    "https://elov.dk/lov-om-kommunernes-finansiering-af-visse-offentlige-ydelser-udbetalt-af-kommunerne-udbetaling-danmark-og-arbejdsloshedskasserne/5/"
)
_SRC_LOV_994_6: Final = (
    "Lov nr. 994 af 30/08/2015 (finansieringsloven), § 6, "
    "https://elov.dk/lov-om-kommunernes-finansiering-af-visse-offentlige-ydelser-udbetalt-af-kommunerne-udbetaling-danmark-og-arbejdsloshedskasserne/6/"
)
_SRC_KH_2016: Final = (
    "bm.dk Satser 2016 Kontanthjælp, "
    "http://bm.dk/da/Satser%20for%202018/Satser%20for%202016/Kontanthjaelp.aspx"
)
_SRC_KH_2017: Final = (
    "http://www.behandlosordenligt.dk/kontanthjaelps-satser/ ; bm.dk Satser 2017 Kontantydelse "
    "(identical 30+ rates), "
    "http://bm.dk/da/Satser%20for%202018/Satser%20for%202017/Kontantydelse.aspx"
)
_SRC_KH_2018: Final = (
    "bm.dk Satser 2018 Kontantydelse, http://bm.dk/da/Satser%20for%202018/Kontantydelse.aspx "
    "(same rates as kontanthjælp 30+); uddannelseshjælp 'psykisk syg' rates 2018, "
    "https://www.behandlosordentligt.dk/uddannelseshjaelp/"
)
_SRC_UH_2019: Final = (
    "bm.dk Satser 2019 Uddannelseshjælp, https://bm.dk/satser/satser-for-2019/uddannelseshjaelp/"
)
_SRC_UH_2020: Final = (
    "bm.dk Satser 2020 Uddannelseshjælp, https://bm.dk/satser/satser-for-2020/uddannelseshjaelp/"
)
_SRC_HERNING_2020: Final = (
    "Herning jobcenter, Økonomi ved ledighed - uddannelseshjælp (2020), "
    "https://job.herning.dk/oekonomi-ved-ledighed/uddannelseshjaelp/..."
)
_SRC_KH_2021: Final = (
    "bm.dk Satser 2021 Kontanthjælp, quoted at https://aktivsocialraadgiver.dk/kontanthjaelp/ ; "
    "ATP 'mindstestørrelse' table 2021, https://jcenter.dk/satser/"
)
_SRC_KH_2023: Final = (
    "bm.dk Satser 2023 Kontanthjælp, https://bm.dk/satser/satser-for-2023/kontanthjaelp/"
)
_SRC_UH_2016: Final = (
    "bm.dk Satser 2016 Uddannelseshjælp, "
    "http://bm.dk/da/Satser%20for%202018/Satser%20for%202016/Uddannelseshjaelp.aspx"
)
_SRC_UH_2018: Final = "https://www.behandlosordentligt.dk/uddannelseshjaelp/"
_SRC_UNGESATS_2017: Final = "behandlosordenligt.dk, 2017 (ungesats kontanthjælp)"
_SRC_RFY_2017: Final = (
    "bm.dk Satser 2017 Ressourceforløbsydelse, "
    "http://bm.dk/da/Satser%20for%202018/Satser%20for%202017/Ressourceforloebsydelse.aspx"
)
_SRC_FP_2018: Final = (
    "Ældre Sagen, ny førtidspensions størrelse, "
    "https://www.aeldresagen.dk/viden-og-raadgivning/vaerd-at-vide/f/folkepension-og-foertidspension/foertidspension/ny-foertidspensions-stoerrelse"
)
_SRC_FP_2020: Final = (
    "bm.dk Satser 2020 Førtidspension, https://bm.dk/satser/satser-for-2020/foertidspension/"
)
_SRC_FLEX_2018: Final = (
    "Fleksjobbernetværket, information om fleksløntilskud, "
    "https://www.fleksjobbernetvaerket.dk/information-om-fleksloentilskud/"
)
_SRC_FLEX_2022: Final = (
    "Slagelse Kommune, fleksløntilskud, "
    "https://www.slagelse.dk/borger/job-uddannelse-og-ledig/job-og-ledighed/fleksjob/fleksloentilskud"
)
_SRC_AKTIVLOV_74A: Final = (
    "Lov om aktiv socialpolitik § 74a (kapitel 7), https://www.elov.dk/aktivloven/kapitel/7/"
)
_SRC_BEK_1135: Final = (
    "Bekendtgørelse om satsreguleringsprocenten, tilpasningsprocenten og "
    "satstilpasningsprocenten samt puljebeløbet for finansåret 2017 (BEK 1135 af 29/08/2016), "
    "https://www.elov.dk/bekendtgorelse-om-satsreguleringsprocenten-tilpasningsprocenten-og-satstilpasningsprocenten-samt-puljebelobet-for-finansaret-2017/"
)
_SRC_ROCKWOOL: Final = (
    "Rockwool Fonden, 'Mindreregulering af overførselsindkomster 2016-2023', "
    "https://rockwoolfonden.dk/udgivelser/mindreregulering-af-overfoerselsindkomster-2016-2023/"
)
_SRC_DS_PENSION: Final = (
    "Dansk Socialrådgiverforening, lønsatser (pension 14.7 % / 18 %, KL-området), "
    "http://www.socialraadgiverne.dk/raad-og-vejledning/loen-og-pension/loensatser/"
)
_SRC_FOLKEBLADET: Final = (
    "Folkebladet, Mar 2017, 'Ekstra hjælp til dagpengemodtagere' (Brøndby), "
    "http://folkebladet.dk/2017/03/ekstra-hjaelp-til-dagpengemodtagere/"
)
_SRC_STAR_MENTOR: Final = (
    "STAR 2017, Analyse af mentor som eneste indsats, "
    "https://star.dk/om-styrelsen/publikationer/2017/08/analyse-af-mentor-som-eneste-indsats/"
)
_SRC_FYENS: Final = (
    "fyens.dk, Dec 2018, 'Fire skridt mod et fast arbejde', "
    "https://www.fyens.dk/Danmark-Erhverv/Fire-skridt-mod-et-fast-arbejde/artikel/3305356"
)
_SRC_MENTOR_REFUSION: Final = (
    "STAR spørgsmål og svar, mentorordningen, "
    "https://star.dk/da/ydelser/budget-og-konteringsvejledning/spoergsmaal-og-svar/mentorordningen/"
)
_SRC_TV2NORD: Final = (
    "TV2 Nord, Hjørring-modellen, "
    "https://www.tv2nord.dk/hjorring/hjorring-modellen-stor-investering-har-sparet-kommunen-300-mio-kroner"
)
_SRC_LAERKEVEJ: Final = (
    "Socialrådgiverne, 'Fra samtaler på samlebånd til tid, tillid og troværdighed', "
    "https://socialraadgiverne.dk/faglig-artikel/fra-samtaler-paa-samlebaand-til-tid-tillid-og-trovaerdighed/"
)
_SRC_HIR: Final = (
    "Håndholdt Indsats i Ressourceforløb - Slutevaluering (Epinion/Discus/Metrica, Oct 2019), "
    "https://ft.dk/samling/20191/almdel/BEU/bilag/201/2177725/index.htm"
)
_SRC_JOBINDSATS: Final = (
    "jobindsats.dk Y36A02 query (kontanthjælp, persons during the year by match group), "
    "https://www.jobindsats.dk/jobindsats/sv/DatabankViewer/ShowResult?...BenefitGroupId=Y36&MeasurementId=Y36A02..."
)
_SRC_BENCHMARK: Final = (
    "Indenrigs- og Sundhedsministeriets Benchmarkingenhed, 13 Apr 2023, analyse af varig "
    "beskæftigelse blandt tidligere kontanthjælpsmodtagere, "
    "https://www.benchmark.dk/nyhedsarkiv/2023/apr/analyse-af-varig-beskaeftigelse-blandt-tidligere-kontanthjaelpsmodtagere"
)
_SRC_BM_NOTAT_326: Final = (
    "Beskæftigelsesministeriet notat 4 Apr 2018, svar på BEU spm. 326 (alm. del 2017-18), "
    "https://ft.dk/samling/20171/almdel/beu/spm/326/svar/1478614/1876382/index.htm"
)
_SRC_FLERE_SKAL_MED: Final = (
    "STAR news 2 Jun 2017, "
    "https://star.dk/om-styrelsen/nyt/nyt-om-reformer/nyt-om-kontanthjaelpsreformen/2017/6/ny-opgoerelse-kortlaegger-indsatsen-for-de-langvarige-kontanthjaelpsmodtagere/"
)
_SRC_EFFECTS: Final = (
    "No published hazard ratio found. Evidence: Vordingborg RCT (+8 pp after 3 yrs), "
    "https://www.apmollerfonde.dk/socialt-udsatte-og-frivillighed/projekter/vordingborg-kommune/ ; "
    "HIR (+1.7 pp after 13 months), "
    "https://ft.dk/samling/20191/almdel/BEU/bilag/201/2177725/index.htm ; "
    "Hjørring (Ravn & Nielsen 2019, Eur. J. Social Security 21(1):42-62, "
    "DOI 10.1177/1388262719836797, significant positive effects)"
)


# ---------------------------------------------------------------------------------------------
# Refusion (2016 refusionsreform)
# ---------------------------------------------------------------------------------------------

REFUSION_SHARE_WEEKS_1_4: Final = Figure(
    name="REFUSION_SHARE_WEEKS_1_4",
    label="State refusion, weeks 1-4 with ydelser",
    value=0.80,
    unit="share",
    source=_SRC_LOV_994_5,
)
"""State refusion 80 % in weeks 1-4. Sourced: lov nr. 994 af 30/08/2015 § 5, stk. 2,
https://elov.dk/lov-om-kommunernes-finansiering-af-visse-offentlige-ydelser-udbetalt-af-kommunerne-udbetaling-danmark-og-arbejdsloshedskasserne/5/"""

REFUSION_SHARE_WEEKS_5_26: Final = Figure(
    name="REFUSION_SHARE_WEEKS_5_26",
    label="State refusion, weeks 5-26 with ydelser",
    value=0.40,
    unit="share",
    source=_SRC_LOV_994_5,
)
"""State refusion 40 % in weeks 5-26. Sourced: lov nr. 994 af 30/08/2015 § 5, stk. 2,
https://elov.dk/lov-om-kommunernes-finansiering-af-visse-offentlige-ydelser-udbetalt-af-kommunerne-udbetaling-danmark-og-arbejdsloshedskasserne/5/"""

REFUSION_SHARE_WEEKS_27_52: Final = Figure(
    name="REFUSION_SHARE_WEEKS_27_52",
    label="State refusion, weeks 27-52 with ydelser",
    value=0.30,
    unit="share",
    source=_SRC_LOV_994_5,
)
"""State refusion 30 % in weeks 27-52. Sourced: lov nr. 994 af 30/08/2015 § 5, stk. 2,
https://elov.dk/lov-om-kommunernes-finansiering-af-visse-offentlige-ydelser-udbetalt-af-kommunerne-udbetaling-danmark-og-arbejdsloshedskasserne/5/"""

REFUSION_SHARE_WEEK_53_ON: Final = Figure(
    name="REFUSION_SHARE_WEEK_53_ON",
    label="State refusion, week 53 and later",
    value=0.20,
    unit="share",
    source=_SRC_LOV_994_5,
)
"""State refusion 20 % from week 53. Sourced: lov nr. 994 af 30/08/2015 § 5, stk. 2,
https://elov.dk/lov-om-kommunernes-finansiering-af-visse-offentlige-ydelser-udbetalt-af-kommunerne-udbetaling-danmark-og-arbejdsloshedskasserne/5/"""

REFUSION_LADDER_2016_WEEKS: Final[tuple[tuple[int, float], ...]] = (
    (4, REFUSION_SHARE_WEEKS_1_4.value),
    (26, REFUSION_SHARE_WEEKS_5_26.value),
    (52, REFUSION_SHARE_WEEKS_27_52.value),
    (9999, REFUSION_SHARE_WEEK_53_ON.value),
)
"""The ladder as enacted, in cumulative weeks with ydelser: (up to week w, state share s).

Source: lov nr. 994 af 30/08/2015 (lov om kommunernes finansiering af visse offentlige ydelser
udbetalt af kommunerne, Udbetaling Danmark og arbejdsløshedskasserne) § 5, stk. 2, in force
4 Jan 2016,
https://elov.dk/lov-om-kommunernes-finansiering-af-visse-offentlige-ydelser-udbetalt-af-kommunerne-udbetaling-danmark-og-arbejdsloshedskasserne/5/
"""

REFUSION_LADDER_2016: Final[list[list[int | float]]] = [
    [1, REFUSION_SHARE_WEEKS_1_4.value],
    [6, REFUSION_SHARE_WEEKS_5_26.value],
    [12, REFUSION_SHARE_WEEKS_27_52.value],
    [999, REFUSION_SHARE_WEEK_53_ON.value],
]
"""The 2016 refusion ladder in the scenario format: up to month m, the state refunds share s.

``[[1, 0.80], [6, 0.40], [12, 0.30], [999, 0.20]]``: month 1 80 %, months 2-6 40 %,
months 7-12 30 %, month 13 on 20 %; the municipality bears the rest.

Source: lov nr. 994 af 30/08/2015 (lov om kommunernes finansiering af visse offentlige ydelser
udbetalt af kommunerne, Udbetaling Danmark og arbejdsløshedskasserne) § 5, stk. 2,
https://elov.dk/lov-om-kommunernes-finansiering-af-visse-offentlige-ydelser-udbetalt-af-kommunerne-udbetaling-danmark-og-arbejdsloshedskasserne/5/
and STAR budget- og konteringsvejledning 5.58.80.

The law counts cumulative *weeks* with ydelser (1-4, 5-26, 27-52, 53+); the weeks were turned
into months (week 4 is about month 1, week 26 month 6, week 52 month 12). The count runs across
all covered ydelser (kontanthjælp, uddannelseshjælp, ressourceforløbsydelse, ...) and starts
again only after 52 weeks of self-support within 3 years (§ 6, see
:data:`REFUSION_RESET_SELF_SUPPORT_WEEKS`). Do not modify: :func:`resolve_references` hands out
copies.
"""

MUNICIPAL_SHARE_LONG_TERM: Final = Figure(
    name="MUNICIPAL_SHARE_LONG_TERM",
    label="Municipal share of kontanthjælp/uddannelseshjælp after 52 weeks",
    value=0.80,
    unit="share",
    source=_SRC_LOV_994_5,
    note="1 - 20 % state refusion from week 53. Almost all aktivitetsparate have more than 52 "
    "weeks on ydelser, so this is in effect their municipal share.",
)
"""Municipal share 80 % from week 53. Sourced: lov nr. 994 af 30/08/2015 § 5, stk. 2,
https://elov.dk/lov-om-kommunernes-finansiering-af-visse-offentlige-ydelser-udbetalt-af-kommunerne-udbetaling-danmark-og-arbejdsloshedskasserne/5/"""

MUNICIPAL_SHARE_RESSOURCEFORLOEB_LONG_TERM: Final = Figure(
    name="MUNICIPAL_SHARE_RESSOURCEFORLOEB_LONG_TERM",
    label="Municipal share of ressourceforløbsydelse for long-term cases",
    value=0.80,
    unit="share",
    source=_SRC_LOV_994_5 + " ; " + _SRC_RFY_2017,
    note="Same refusion ladder; the week count continues from kontanthjælp.",
)
"""Municipal share 80 % of ressourceforløbsydelse (same ladder, week count continues). Sourced:
lov nr. 994 af 30/08/2015 § 5, stk. 2; bm.dk Satser 2017 Ressourceforløbsydelse,
http://bm.dk/da/Satser%20for%202018/Satser%20for%202017/Ressourceforloebsydelse.aspx"""

MUNICIPAL_SHARE_FLEXJOB_LONG_TERM: Final = Figure(
    name="MUNICIPAL_SHARE_FLEXJOB_LONG_TERM",
    label="Municipal share of fleksløntilskud for long-term cases",
    value=0.80,
    unit="share",
    source=_SRC_LOV_994_5,
    note="A reading of §§ 3 and 5 of the financing law (the ladder applies; long-term cases at "
    "20 % refusion); not confirmed in a secondary source - verify.",
)
"""Municipal share 80 % of the flexjob wage subsidy for long-term cases - a reading of §§ 3/5 of
lov nr. 994 af 30/08/2015, to verify:
https://elov.dk/lov-om-kommunernes-finansiering-af-visse-offentlige-ydelser-udbetalt-af-kommunerne-udbetaling-danmark-og-arbejdsloshedskasserne/5/"""

MUNICIPAL_SHARE_FOERTIDSPENSION_LONG_TERM: Final = Figure(
    name="MUNICIPAL_SHARE_FOERTIDSPENSION_LONG_TERM",
    label="Municipal co-financing of førtidspension for long-term cases",
    value=0.80,
    unit="share",
    source=_SRC_LOV_994_5_3,
    note="Medfinansiering 20/60/70/80 % of ydelser paid by Udbetaling Danmark (§ 3, stk. 1, "
    "nr. 11). Check that nr. 11 is førtidspension.",
)
"""Municipal co-financing 80 % of førtidspension for long-term cases. Sourced (check that § 3,
stk. 1, nr. 11 is førtidspension): lov nr. 994 af 30/08/2015 § 5, stk. 3,
https://elov.dk/lov-om-kommunernes-finansiering-af-visse-offentlige-ydelser-udbetalt-af-kommunerne-udbetaling-danmark-og-arbejdsloshedskasserne/5/"""

REFUSION_RESET_SELF_SUPPORT_WEEKS: Final = Figure(
    name="REFUSION_RESET_SELF_SUPPORT_WEEKS",
    label="Weeks of self-support that restart the refusion ladder",
    value=52,
    unit="weeks",
    source=_SRC_LOV_994_6,
    note="'Opgørelsen efter § 5 starter forfra, når personen efter den første uge med ydelser "
    "på ny har haft sammenlagt 52 hele kalenderuger med selvforsørgelse inden for de seneste "
    "3 år.' Not necessarily consecutive; wage-subsidised work is not self-support (§ 6, stk. 2).",
)
"""52 weeks of self-support (within 3 years) restart the ladder. Sourced: lov nr. 994 af
30/08/2015 § 6,
https://elov.dk/lov-om-kommunernes-finansiering-af-visse-offentlige-ydelser-udbetalt-af-kommunerne-udbetaling-danmark-og-arbejdsloshedskasserne/6/"""

REFUSION_RESET_WINDOW_WEEKS: Final = Figure(
    name="REFUSION_RESET_WINDOW_WEEKS",
    label="Rolling window for the 52 weeks of self-support",
    value=156,
    unit="weeks",
    source=_SRC_LOV_994_6,
    note="'inden for de seneste 3 år' = 156 weeks.",
)
"""The 52 self-supported weeks count within a rolling 3 years (156 weeks). Sourced: lov nr. 994
af 30/08/2015 § 6,
https://elov.dk/lov-om-kommunernes-finansiering-af-visse-offentlige-ydelser-udbetalt-af-kommunerne-udbetaling-danmark-og-arbejdsloshedskasserne/6/"""


# ---------------------------------------------------------------------------------------------
# Satsregulering
# ---------------------------------------------------------------------------------------------

SATSREGULERING: Final[dict[int, float]] = {
    2017: 0.0160,
    2018: 0.0125,
    2019: 0.0125,
    2020: 0.0115,
    2021: 0.0125,
}
"""Actual yearly change of the kontanthjælp rates (share, by the year the new rates apply).

DERIVED from the kontanthjælp 30+ table (each year's rate / the previous year's); the same
changes reproduce the uddannelseshjælp and førtidspension tables. The official
satsreguleringsprocent was higher (2017: 2.0 %, BEK 1135 af 29/08/2016,
https://www.elov.dk/bekendtgorelse-om-satsreguleringsprocenten-tilpasningsprocenten-og-satstilpasningsprocenten-samt-puljebelobet-for-finansaret-2017/)
because of the mindreregulering of Skattereform 2012 (Rockwool Fonden, 'Mindreregulering af
overførselsindkomster 2016-2023',
https://rockwoolfonden.dk/udgivelser/mindreregulering-af-overfoerselsindkomster-2016-2023/).
Years after the table use :data:`SATSREGULERING_EXTRAPOLATION`.
"""

SATSREGULERING_EXTRAPOLATION: Final = Figure(
    name="SATSREGULERING_EXTRAPOLATION",
    label="Assumed yearly rate change after the last known year",
    value=0.0125,
    unit="share per year",
    source=_NO_SOURCE + "; actual changes 2017-2021 were 1.15-1.60 % (SATSREGULERING).",
    assumption=True,
    low=0.010,
    high=0.016,
    note="Central 1.25 % (the most common actual change 2018-2021). The range 1.0-1.6 % is the "
    "suggested parameter range; the rate-table recommendation alone says 1.2-1.6 %.",
)
"""ASSUMPTION: 1.25 %/yr (range 1.0-1.6 %) for years after the known changes; no source."""

SATSREGULERINGSPROCENT_2017: Final = Figure(
    name="SATSREGULERINGSPROCENT_2017",
    label="Official satsreguleringsprocent, finansåret 2017",
    value=0.020,
    unit="share per year",
    source=_SRC_BEK_1135,
    year=2017,
    note="2.0 %; tilpasningsprocent 0.2 %. The actual change of kontanthjælp was 1.60 %.",
)
"""Satsreguleringsprocent 2017 = 2.0 %. Sourced: BEK 1135 af 29/08/2016,
https://www.elov.dk/bekendtgorelse-om-satsreguleringsprocenten-tilpasningsprocenten-og-satstilpasningsprocenten-samt-puljebelobet-for-finansaret-2017/"""

TILPASNINGSPROCENT_2017: Final = Figure(
    name="TILPASNINGSPROCENT_2017",
    label="Official tilpasningsprocent, finansåret 2017",
    value=0.002,
    unit="share per year",
    source=_SRC_BEK_1135,
    year=2017,
)
"""Tilpasningsprocent 2017 = 0.2 %. Sourced: BEK 1135 af 29/08/2016,
https://www.elov.dk/bekendtgorelse-om-satsreguleringsprocenten-tilpasningsprocenten-og-satstilpasningsprocenten-samt-puljebelobet-for-finansaret-2017/"""

MINDREREGULERING_2016_2023: Final = Figure(
    name="MINDREREGULERING_2016_2023",
    label="Cumulative shortfall of transfers from the mindreregulering 2016-2023",
    value=0.05,
    unit="share",
    source=_SRC_ROCKWOOL,
    note="About 5 % lower transfers by 2023 than with full satsregulering.",
)
"""Transfers about 5 % lower by 2023 (mindreregulering, Skattereform 2012). Sourced: Rockwool
Fonden, https://rockwoolfonden.dk/udgivelser/mindreregulering-af-overfoerselsindkomster-2016-2023/"""


# ---------------------------------------------------------------------------------------------
# Benefit rates for reference outside the rate tables
# ---------------------------------------------------------------------------------------------

KONTANTHJAELP_30PLUS_FORSOERGER_2023: Final = Figure(
    name="KONTANTHJAELP_30PLUS_FORSOERGER_2023",
    label="Kontanthjælp 30+ with children, 2023 (for reference)",
    value=15874,
    unit="DKK/month",
    source=_SRC_KH_2023,
    year=2023,
    note="Not in the rate table (2022 is missing); rate() extrapolates 2022 on.",
)
"""Kontanthjælp 30+ forsørger 2023: 15,874 kr./month. Sourced: bm.dk Satser 2023 Kontanthjælp,
https://bm.dk/satser/satser-for-2023/kontanthjaelp/"""

KONTANTHJAELP_30PLUS_OTHER_2023: Final = Figure(
    name="KONTANTHJAELP_30PLUS_OTHER_2023",
    label="Kontanthjælp 30+ without children, 2023 (for reference)",
    value=11944,
    unit="DKK/month",
    source=_SRC_KH_2023,
    year=2023,
    note="Not in the rate table (2022 is missing); rate() extrapolates 2022 on.",
)
"""Kontanthjælp 30+ andre 2023: 11,944 kr./month. Sourced: bm.dk Satser 2023 Kontanthjælp,
https://bm.dk/satser/satser-for-2023/kontanthjaelp/"""


# ---------------------------------------------------------------------------------------------
# Alternative states
# ---------------------------------------------------------------------------------------------

RESSOURCEFORLOEBSYDELSE: Final = Figure(
    name="RESSOURCEFORLOEBSYDELSE",
    label="Ressourceforløbsydelse, not a provider, 2017",
    value=11143,
    unit="DKK/month",
    source=_SRC_RFY_2017,
    year=2017,
    note="Equals the kontanthjælp 30+ level and follows it in other years (rate group "
    "'ressourceforloebsydelse_other'); not tied to partner income or assets.",
)
"""Ressourceforløbsydelse 2017, ikke-forsørger: 11,143 kr./month. Sourced: bm.dk Satser 2017
Ressourceforløbsydelse,
http://bm.dk/da/Satser%20for%202018/Satser%20for%202017/Ressourceforloebsydelse.aspx"""

RESSOURCEFORLOEBSYDELSE_FORSOERGER: Final = Figure(
    name="RESSOURCEFORLOEBSYDELSE_FORSOERGER",
    label="Ressourceforløbsydelse, provider, 2017",
    value=14808,
    unit="DKK/month",
    source=_SRC_RFY_2017,
    year=2017,
    note="Equals the kontanthjælp 30+ forsørger level (rate group "
    "'ressourceforloebsydelse_forsoerger').",
)
"""Ressourceforløbsydelse 2017, forsørger: 14,808 kr./month. Sourced: bm.dk Satser 2017
Ressourceforløbsydelse,
http://bm.dk/da/Satser%20for%202018/Satser%20for%202017/Ressourceforloebsydelse.aspx"""

FOERTIDSPENSION_MONTH: Final = Figure(
    name="FOERTIDSPENSION_MONTH",
    label="Førtidspension (new rules), single, 2018",
    value=18642,
    unit="DKK/month",
    source=_SRC_FP_2018,
    year=2018,
    note="2020: 19,092 (rate group 'foertidspension_single').",
)
"""Førtidspension 2018, single: 18,642 kr./month. Sourced: Ældre Sagen,
https://www.aeldresagen.dk/viden-og-raadgivning/vaerd-at-vide/f/folkepension-og-foertidspension/foertidspension/ny-foertidspensions-stoerrelse"""

FOERTIDSPENSION_COUPLE_MONTH: Final = Figure(
    name="FOERTIDSPENSION_COUPLE_MONTH",
    label="Førtidspension (new rules), married/cohabiting, 2018",
    value=15846,
    unit="DKK/month",
    source=_SRC_FP_2018,
    year=2018,
    note="2020: 16,229 (rate group 'foertidspension_couple').",
)
"""Førtidspension 2018, couple: 15,846 kr./month. Sourced: Ældre Sagen,
https://www.aeldresagen.dk/viden-og-raadgivning/vaerd-at-vide/f/folkepension-og-foertidspension/foertidspension/ny-foertidspensions-stoerrelse"""

FLEXJOB_SUBSIDY_MONTH: Final = Figure(
    name="FLEXJOB_SUBSIDY_MONTH",
    label="Typical fleksløntilskud per person in flexjob",
    value=14000,
    unit="DKK/month",
    source=_NO_SOURCE + " (many mini-fleksjob with few hours); maximum: " + _SRC_FLEX_2018,
    assumption=True,
    low=12000,
    high=16000,
    note="Only the range 12,000-16,000 is given; the central value is its midpoint. The "
    "municipality bears MUNICIPAL_SHARE_FLEXJOB_LONG_TERM of it.",
)
"""ASSUMPTION: typical flexjob wage subsidy 12,000-16,000 kr./month (midpoint 14,000); no
source. Maximum subsidy: https://www.fleksjobbernetvaerket.dk/information-om-fleksloentilskud/"""

FLEXJOB_SUBSIDY_MAX_MONTH_2018: Final = Figure(
    name="FLEXJOB_SUBSIDY_MAX_MONTH_2018",
    label="Maximum fleksløntilskud, 2018",
    value=18260,
    unit="DKK/month",
    source=_SRC_FLEX_2018,
    year=2018,
    note="About 98 % of the highest dagpenge rate; reduced by 30 % of the wage up to 14,398 "
    "kr./month and by 55 % above.",
)
"""Maximum flexjob wage subsidy 2018 ≈ 18,260 kr./month. Sourced: Fleksjobbernetværket,
https://www.fleksjobbernetvaerket.dk/information-om-fleksloentilskud/"""

FLEXJOB_SUBSIDY_MAX_MONTH_2022: Final = Figure(
    name="FLEXJOB_SUBSIDY_MAX_MONTH_2022",
    label="Maximum fleksløntilskud, 2022",
    value=18964,
    unit="DKK/month",
    source=_SRC_FLEX_2022,
    year=2022,
)
"""Maximum flexjob wage subsidy 2022: 18,964 kr./month. Sourced: Slagelse Kommune,
https://www.slagelse.dk/borger/job-uddannelse-og-ledig/job-og-ledighed/fleksjob/fleksloentilskud"""

FLEXJOB_SUBSIDY_MAX_SHARE_OF_DAGPENGE: Final = Figure(
    name="FLEXJOB_SUBSIDY_MAX_SHARE_OF_DAGPENGE",
    label="Maximum fleksløntilskud as a share of the highest dagpenge rate",
    value=0.98,
    unit="share",
    source=_SRC_FLEX_2018,
)
"""Maximum flexjob subsidy = 98 % of the highest dagpenge rate. Sourced: Fleksjobbernetværket,
https://www.fleksjobbernetvaerket.dk/information-om-fleksloentilskud/"""

FLEXJOB_WAGE_THRESHOLD_2018: Final = Figure(
    name="FLEXJOB_WAGE_THRESHOLD_2018",
    label="Wage up to which the subsidy is reduced by 30 %, 2018",
    value=14398,
    unit="DKK/month",
    source=_SRC_FLEX_2018,
    year=2018,
)
"""Fleksløntilskud is reduced by 30 % of the wage up to 14,398 kr./month (2018). Sourced:
https://www.fleksjobbernetvaerket.dk/information-om-fleksloentilskud/"""

FLEXJOB_REDUCTION_BELOW_THRESHOLD: Final = Figure(
    name="FLEXJOB_REDUCTION_BELOW_THRESHOLD",
    label="Subsidy reduction per krone of wage below the threshold",
    value=0.30,
    unit="share",
    source=_SRC_FLEX_2018,
)
"""Subsidy reduced by 30 % of the wage below the threshold. Sourced:
https://www.fleksjobbernetvaerket.dk/information-om-fleksloentilskud/"""

FLEXJOB_REDUCTION_ABOVE_THRESHOLD: Final = Figure(
    name="FLEXJOB_REDUCTION_ABOVE_THRESHOLD",
    label="Subsidy reduction per krone of wage above the threshold",
    value=0.55,
    unit="share",
    source=_SRC_FLEX_2018,
)
"""Subsidy reduced by 55 % of the wage above the threshold. Sourced:
https://www.fleksjobbernetvaerket.dk/information-om-fleksloentilskud/"""

LEDIGHEDSYDELSE_SHARE_OF_MAX_DAGPENGE: Final = Figure(
    name="LEDIGHEDSYDELSE_SHARE_OF_MAX_DAGPENGE",
    label="Ledighedsydelse (visiteret til fleksjob, unemployed) as a share of max dagpenge",
    value=0.89,
    unit="share",
    source=_SRC_AKTIVLOV_74A,
    note="Under the refusion ladder.",
)
"""Ledighedsydelse = 89 % of maximum dagpenge. Sourced: lov om aktiv socialpolitik § 74a,
https://www.elov.dk/aktivloven/kapitel/7/"""

KOMMUNESKAT_SHARE: Final = Figure(
    name="KOMMUNESKAT_SHARE",
    label="Municipal income tax on earnings from a job",
    value=0.25,
    unit="share of earnings",
    source=_NO_SOURCE + "; about 25 % kommuneskat.",
    assumption=True,
    note="Usually excluded from jobcenter business cases; SØM can include tax as a "
    "consequence. No range given.",
)
"""ASSUMPTION: about 25 % kommuneskat on a job's earnings (no range); usually left out."""


# ---------------------------------------------------------------------------------------------
# Costs of the investment
# ---------------------------------------------------------------------------------------------

CASEWORKER_FTE_COST_YEAR: Final = Figure(
    name="CASEWORKER_FTE_COST_YEAR",
    label="Caseworker (sagsbehandler/jobkonsulent) FTE, fully loaded",
    value=550_000,
    unit="DKK/year",
    source=_NO_SOURCE + " for the full cost. Pension rates: " + _SRC_DS_PENSION,
    assumption=True,
    low=450_000,
    high=650_000,
    year=2017,
    note="2017 prices; salary about 35-40k kr./month + 14.7-18 % pension + overhead. The "
    "narrower 500-600k is the range for a fully loaded cost; 450-550k fits salary and pension "
    "without overhead. Cross-check: Hjørring's +35 caseworkers x 550k = about 19 mio./yr.",
)
"""ASSUMPTION: caseworker FTE 550,000 kr./yr (range 450,000-650,000; 2017 prices). No sourced
full-cost figure; pension rates: Dansk Socialrådgiverforening,
http://www.socialraadgiverne.dk/raad-og-vejledning/loen-og-pension/loensatser/"""

JOB_BROKER_FTE_COST_YEAR: Final = Figure(
    name="JOB_BROKER_FTE_COST_YEAR",
    label="Job broker (virksomhedskonsulent) FTE, fully loaded",
    value=550_000,
    unit="DKK/year",
    source=_NO_SOURCE + "; same FTE cost as a caseworker.",
    assumption=True,
    low=450_000,
    high=650_000,
    year=2017,
)
"""ASSUMPTION: job broker FTE as a caseworker, 550,000 kr./yr (450,000-650,000); no source."""

JOB_BROKER_PERSONS_PER_FTE: Final = Figure(
    name="JOB_BROKER_PERSONS_PER_FTE",
    label="Persons per job broker at a time (8-week forløb)",
    value=25,
    unit="persons",
    source=_SRC_FOLKEBLADET,
    note="Brøndby dagpenge project, about 25 persons in an 8-week forløb per worker; not "
    "aktivitetsparate.",
)
"""About 25 persons per job broker in an 8-week forløb (Brøndby dagpenge project). Source:
Folkebladet, Mar 2017, http://folkebladet.dk/2017/03/ekstra-hjaelp-til-dagpengemodtagere/"""

MENTOR_HOUR: Final = Figure(
    name="MENTOR_HOUR",
    label="Mentor, cost per hour (internal or external)",
    value=400,
    unit="DKK/hour",
    source=_NO_SOURCE + ". Firm-based mentors in one praktik scheme: 200 kr./hour, " + _SRC_FYENS,
    assumption=True,
    low=200,
    high=500,
    note="Suggested default 400 kr./hour in the range 200-500 (the cost table alone says "
    "300-500 for internal or external mentors).",
)
"""ASSUMPTION: mentor 400 kr./hour (range 200-500); no source. Firm mentors at 200 kr./hour:
fyens.dk, https://www.fyens.dk/Danmark-Erhverv/Fire-skridt-mod-et-fast-arbejde/artikel/3305356"""

MENTOR_HOURS_PER_WEEK: Final = Figure(
    name="MENTOR_HOURS_PER_WEEK",
    label="Mentor hours per mentee per week",
    value=1.5,
    unit="hours/week",
    source=_SRC_STAR_MENTOR,
    assumption=True,
    low=1.0,
    high=2.0,
    note="The source gives 'typically 1-2 hours/week'; 1.5 is the chosen central value.",
)
"""Mentor 1-2 hours/week (central 1.5). Range sourced, central value assumed: STAR 2017,
https://star.dk/om-styrelsen/publikationer/2017/08/analyse-af-mentor-som-eneste-indsats/"""

MENTOR_MONTH: Final = Figure(
    name="MENTOR_MONTH",
    label="Mentor cost per enrolled person per month",
    value=400 * 1.5 * 52 / 12,
    unit="DKK/month",
    source="Derived from MENTOR_HOUR and MENTOR_HOURS_PER_WEEK; " + _SRC_STAR_MENTOR,
    assumption=True,
    derived=True,
    low=200 * 1.0 * 52 / 12,
    high=500 * 2.0 * 52 / 12,
    note="MENTOR_HOUR x MENTOR_HOURS_PER_WEEK x 52 / 12 = 400 x 1.5 x 52/12 = 2,600; range "
    "200 x 1 x 52/12 to 500 x 2 x 52/12. Use as a component's cost_month.",
)
"""ASSUMPTION, DERIVED: mentor 2,600 kr. per person-month (400 kr./h x 1.5 h/week x 52/12);
range 867-4,333. Intensity: STAR 2017,
https://star.dk/om-styrelsen/publikationer/2017/08/analyse-af-mentor-som-eneste-indsats/"""

MENTOR_FORLOEB_MONTHS: Final = Figure(
    name="MENTOR_FORLOEB_MONTHS",
    label="Length of a mentor forløb",
    value=9,
    unit="months",
    source=_SRC_STAR_MENTOR + " (forløb usually more than 6 months)",
    assumption=True,
    low=6,
    high=12,
    note="Only the range 6-12 months is given; the central value is its midpoint.",
)
"""ASSUMPTION: mentor forløb 6-12 months (midpoint 9); STAR 2017: usually > 6 months,
https://star.dk/om-styrelsen/publikationer/2017/08/analyse-af-mentor-som-eneste-indsats/"""

MENTOR_FORLOEB_COST: Final = Figure(
    name="MENTOR_FORLOEB_COST",
    label="Mentor cost per forløb",
    value=32_500,
    unit="DKK/forløb",
    source=_NO_SOURCE + "; 1-2 h/week for 6-12 months at 300-500 kr./hour.",
    assumption=True,
    low=15_000,
    high=50_000,
    note="Only the range 15-50k is given; the central value is its midpoint.",
)
"""ASSUMPTION: about 15,000-50,000 kr. per mentor forløb (midpoint 32,500); no source."""

FIRM_MENTOR_HOUR: Final = Figure(
    name="FIRM_MENTOR_HOUR",
    label="Firm-based mentor in a praktik scheme, pay per hour",
    value=200,
    unit="DKK/hour",
    source=_SRC_FYENS,
    year=2018,
)
"""Firm-based mentors paid 200 kr./hour. Sourced: fyens.dk Dec 2018,
https://www.fyens.dk/Danmark-Erhverv/Fire-skridt-mod-et-fast-arbejde/artikel/3305356"""

FIRM_MENTOR_WEEK: Final = Figure(
    name="FIRM_MENTOR_WEEK",
    label="Firm-based mentor in a praktik scheme, typical pay per week",
    value=500,
    unit="DKK/week",
    source=_SRC_FYENS,
    year=2018,
)
"""Firm-based mentor typically about 500 kr./week. Sourced: fyens.dk Dec 2018,
https://www.fyens.dk/Danmark-Erhverv/Fire-skridt-mod-et-fast-arbejde/artikel/3305356"""

MENTOR_REFUSION: Final = Figure(
    name="MENTOR_REFUSION",
    label="State refusion of mentor costs (jobparate/dagpenge, from 2014)",
    value=0.0,
    unit="share",
    source=_SRC_MENTOR_REFUSION,
    note="None for jobparate/dagpenge from 2014. Status for aktivitetsparate not verified.",
)
"""No mentor refusion for jobparate/dagpenge from 2014 (aktivitetsparate not verified). Sourced:
https://star.dk/da/ydelser/budget-og-konteringsvejledning/spoergsmaal-og-svar/mentorordningen/"""

VIRKSOMHEDSPRAKTIK_MONTH: Final = Figure(
    name="VIRKSOMHEDSPRAKTIK_MONTH",
    label="Virksomhedspraktik, direct cost per person-month",
    value=1000,
    unit="DKK/month",
    source=_NO_SOURCE + "; transport and consultant time.",
    assumption=True,
    low=0,
    high=2000,
    note="No wage is paid; the person keeps the benefit (lov om en aktiv beskæftigelsesindsats). "
    "Only the range 0-2,000 is given; the central value is its midpoint.",
)
"""ASSUMPTION: virksomhedspraktik 0-2,000 kr./month direct cost (midpoint 1,000); no source.
No wage is paid; the person keeps the benefit."""


# ---------------------------------------------------------------------------------------------
# Caseload and effects
# ---------------------------------------------------------------------------------------------

CASELOAD_BASE: Final = Figure(
    name="CASELOAD_BASE",
    label="Cases per caseworker, normal practice",
    value=70,
    unit="cases/FTE",
    source="Typical 60-80 (Hjørring before: about 80): " + _SRC_TV2NORD + " ; " + _SRC_LAERKEVEJ,
    assumption=True,
    low=60,
    high=80,
    note="Extreme 180-220 (Lærkevej, Copenhagen 2017). Dansk Socialrådgiverforening "
    "recommends 40-55.",
)
"""Caseload 60-80 in normal practice (central 70). Range sourced: TV2 Nord,
https://www.tv2nord.dk/hjorring/hjorring-modellen-stor-investering-har-sparet-kommunen-300-mio-kroner
and Socialrådgiverne,
https://socialraadgiverne.dk/faglig-artikel/fra-samtaler-paa-samlebaand-til-tid-tillid-og-trovaerdighed/"""

CASELOAD_INVESTMENT: Final = Figure(
    name="CASELOAD_INVESTMENT",
    label="Cases per caseworker in an investment",
    value=35,
    unit="cases/FTE",
    source="Hjørring about 35: " + _SRC_TV2NORD + " ; HIR at most 35: " + _SRC_HIR,
    assumption=True,
    low=30,
    high=40,
    note="Lærkevej experiment: 50.",
)
"""Caseload 30-40 in investments (central 35; Hjørring ~35, HIR <= 35). Range sourced: TV2 Nord,
https://www.tv2nord.dk/hjorring/hjorring-modellen-stor-investering-har-sparet-kommunen-300-mio-kroner
and HIR, https://ft.dk/samling/20191/almdel/BEU/bilag/201/2177725/index.htm"""

CASELOAD_HALVING_HR: Final = Figure(
    name="CASELOAD_HALVING_HR",
    label="Hazard ratio on exit to job/education when the caseload halves (70 to 35)",
    value=1.3,
    unit="hazard ratio",
    source=_SRC_EFFECTS,
    assumption=True,
    low=1.1,
    high=1.6,
    note="Effects appear after 6-12 months and are strongest in years 3-4.",
)
"""ASSUMPTION: caseload halving gives HR 1.3 (1.1-1.6) on exits to job/education; no published
hazard ratio. Supporting evidence: Vordingborg RCT, HIR, Hjørring (Ravn & Nielsen 2019)."""

CASELOAD_ELASTICITY: Final = Figure(
    name="CASELOAD_ELASTICITY",
    label="Elasticity e in HR = (base / caseload)^e",
    value=math.log2(1.3),
    unit="elasticity",
    source="Derived from CASELOAD_HALVING_HR; " + _SRC_EFFECTS,
    assumption=True,
    derived=True,
    low=math.log2(1.1),
    high=math.log2(1.6),
    note="Halving the caseload gives HR = 2^e, so e = log2(HR): log2(1.3) = 0.379, range "
    "log2(1.1) = 0.138 to log2(1.6) = 0.678.",
)
"""ASSUMPTION, DERIVED: caseload elasticity log2(1.3) = 0.379 (0.138-0.678), from
CASELOAD_HALVING_HR."""

PACKAGE_EFFECT_PP: Final = Figure(
    name="PACKAGE_EFFECT_PP",
    label="Combined package: extra share in job/education after 2-4 years",
    value=0.055,
    unit="share (percentage points / 100)",
    source=_SRC_EFFECTS,
    assumption=True,
    low=0.03,
    high=0.08,
    note="Caseload + mentor + job broker + praktik; +3-8 pp vs baseline. Only the range is "
    "given; the central value is its midpoint.",
)
"""ASSUMPTION: a combined package gives +3-8 pp in job/education after 2-4 years (midpoint
5.5 pp). Range from Vordingborg (+8 pp), HIR (+1.7 pp) and Hjørring."""

RAMP_MONTHS: Final = Figure(
    name="RAMP_MONTHS",
    label="Months before an effect is at full strength",
    value=6,
    unit="months",
    source=_NO_SOURCE + "; effects appear after 6-12 months.",
    assumption=True,
    low=6,
    high=12,
    note="Suggested default: HR 1.3 after a 6-month ramp-up.",
)
"""ASSUMPTION: ramp-up 6 months (range 6-12); no source."""

AFKLARING_HR: Final = Figure(
    name="AFKLARING_HR",
    label="Hazard ratio on exits to fleksjob/ressourceforløb (afklaring side effect)",
    value=1.6,
    unit="hazard ratio",
    source=_NO_SOURCE + "; side effect via clarification (afklaring).",
    assumption=True,
    low=1.2,
    high=2.0,
    note="Only the range 1.2-2.0 is given; the central value is its midpoint. Moving someone "
    "into fleksjob or førtidspension raises the municipal cost.",
)
"""ASSUMPTION: more exits to fleksjob/ressourceforløb, HR 1.2-2.0 (midpoint 1.6); no source."""


# ---------------------------------------------------------------------------------------------
# Stock, inflow, exits, relapse
# ---------------------------------------------------------------------------------------------

AKTIVITETSPARATE_KONTANTHJAELP_PERSONS_2017: Final = Figure(
    name="AKTIVITETSPARATE_KONTANTHJAELP_PERSONS_2017",
    label="Aktivitetsparate on kontanthjælp during 2017, Denmark (persons)",
    value=70_163,
    unit="persons/year",
    source=_SRC_JOBINDSATS,
    year=2017,
    note="Persons at any time during the year, not the average stock. Total 111,345.",
)
"""70,163 aktivitetsparate kontanthjælp recipients during 2017. Sourced: jobindsats.dk Y36A02,
https://www.jobindsats.dk/jobindsats/sv/DatabankViewer/ShowResult?...BenefitGroupId=Y36&MeasurementId=Y36A02..."""

AKTIVITETSPARATE_KONTANTHJAELP_PERSONS_2018: Final = Figure(
    name="AKTIVITETSPARATE_KONTANTHJAELP_PERSONS_2018",
    label="Aktivitetsparate on kontanthjælp during 2018, Denmark (persons)",
    value=66_254,
    unit="persons/year",
    source=_SRC_JOBINDSATS,
    year=2018,
    note="Persons at any time during the year, not the average stock. Total 102,450.",
)
"""66,254 aktivitetsparate kontanthjælp recipients during 2018. Sourced: jobindsats.dk Y36A02,
https://www.jobindsats.dk/jobindsats/sv/DatabankViewer/ShowResult?...BenefitGroupId=Y36&MeasurementId=Y36A02..."""

AKTIVITETSPARATE_UDDANNELSESHJAELP_NATIONAL: Final = Figure(
    name="AKTIVITETSPARATE_UDDANNELSESHJAELP_NATIONAL",
    label="Aktivitetsparate uddannelseshjælp recipients, Denmark",
    value=25_000,
    unit="persons",
    source=_NO_SOURCE + " (not retrieved).",
    assumption=True,
    low=20_000,
    high=30_000,
    note="Only the range is given; the central value is its midpoint.",
)
"""ASSUMPTION: 20,000-30,000 aktivitetsparate uddannelseshjælp recipients nationally."""

AVERAGE_STOCK_SHARE_OF_PERSONS: Final = Figure(
    name="AVERAGE_STOCK_SHARE_OF_PERSONS",
    label="Average stock (fuldtidspersoner) as a share of persons during the year",
    value=0.85,
    unit="share",
    source=_NO_SOURCE + "; turnover is low.",
    assumption=True,
    low=0.80,
    high=0.90,
    note="Roughly 55-60k aktivitetsparate kontanthjælp on average. Only the range is given; "
    "the central value is its midpoint.",
)
"""ASSUMPTION: the average stock is 80-90 % of the persons-per-year count (midpoint 85 %)."""

STOCK_KONTANTHJAELP_50K_PROPORTIONAL: Final = Figure(
    name="STOCK_KONTANTHJAELP_50K_PROPORTIONAL",
    label="Aktivitetsparate kontanthjælp persons/yr, proportional share of 50,000 inhabitants",
    value=570,
    unit="persons/year",
    source="Derived from " + _SRC_JOBINDSATS,
    derived=True,
    year=2018,
    note="66,254 / 5.78 mio. inhabitants x 50,000 = about 570.",
)
"""DERIVED: 66,254 / 5.78 mio. x 50,000 ≈ 570 persons/yr for a 50,000-inhabitant municipality."""

STOCK_KONTANTHJAELP_50K: Final = Figure(
    name="STOCK_KONTANTHJAELP_50K",
    label="Initial stock of aktivitetsparate kontanthjælp, municipality of 50,000",
    value=450,
    unit="persons",
    source=_NO_SOURCE + "; jobindsats figures for single municipalities were not retrieved. "
    "Hjørring (about 65k inhabitants) analysed 524 aktivitetsparate: "
    "https://www.nb-beskaeftigelse.dk/2020/02/11/det-tager-flere-aar-at-faa-aktivitetsparate-borgere-i-loennet-arbejde/",
    assumption=True,
    low=400,
    high=600,
    note="Default 450 (suggested parameter set), range 400-600 (recommended default); the "
    "parameter set also gives 350-700. Use the high end for Brøndby, Guldborgsund, Ballerup.",
)
"""ASSUMPTION: 450 aktivitetsparate kontanthjælp recipients (400-600) in a 50k municipality."""

STOCK_UDDANNELSESHJAELP_50K: Final = Figure(
    name="STOCK_UDDANNELSESHJAELP_50K",
    label="Initial stock of aktivitetsparate uddannelseshjælp, municipality of 50,000",
    value=150,
    unit="persons",
    source=_NO_SOURCE + "; jobindsats figures for single municipalities were not retrieved.",
    assumption=True,
    low=100,
    high=200,
)
"""ASSUMPTION: 150 aktivitetsparate uddannelseshjælp recipients (100-200) in a 50k
municipality."""

SHARE_FORSOERGERE: Final = Figure(
    name="SHARE_FORSOERGERE",
    label="Share of providers (forsørgere) among aktivitetsparate",
    value=0.30,
    unit="share",
    source=_NO_SOURCE + ".",
    assumption=True,
    low=0.20,
    high=0.40,
)
"""ASSUMPTION: 30 % providers among aktivitetsparate (20-40 %); no source."""

SHARE_UNDER_30: Final = Figure(
    name="SHARE_UNDER_30",
    label="Share under 30 among aktivitetsparate",
    value=0.25,
    unit="share",
    source=_NO_SOURCE + ".",
    assumption=True,
    note="At about 7,400-11,300 kr./month incl. aktivitetstillæg. No range given.",
)
"""ASSUMPTION: 25 % under 30 (no range given); no source."""

INFLOW_SHARE_OF_STOCK_YEAR: Final = Figure(
    name="INFLOW_SHARE_OF_STOCK_YEAR",
    label="Yearly inflow as a share of the stock (steady state)",
    value=0.225,
    unit="share per year",
    source=_NO_SOURCE + ".",
    assumption=True,
    low=0.20,
    high=0.25,
    note="Only the range 20-25 % is given; the central value is its midpoint.",
)
"""ASSUMPTION: inflow 20-25 % of the stock per year (midpoint 22.5 %); no source."""

MEAN_ELAPSED_DURATION_YEARS: Final = Figure(
    name="MEAN_ELAPSED_DURATION_YEARS",
    label="Mean elapsed duration in the stock",
    value=5,
    unit="years",
    source=_NO_SOURCE + ". 'Flere skal med' targeted 5+ years on benefits: " + _SRC_FLERE_SKAL_MED,
    assumption=True,
    low=4,
    high=6,
    note="Only the range is given; the central value is its midpoint.",
)
"""ASSUMPTION: mean elapsed duration 4-6 years (midpoint 5); no source."""

MEDIAN_COMPLETED_SPELL_YEARS: Final = Figure(
    name="MEDIAN_COMPLETED_SPELL_YEARS",
    label="Median completed spell of aktivitetsparate",
    value=3,
    unit="years",
    source=_NO_SOURCE + ".",
    assumption=True,
    low=2,
    high=4,
    note="Only the range is given; the central value is its midpoint.",
)
"""ASSUMPTION: median completed spell 2-4 years (midpoint 3); no source."""

STILL_ON_BENEFIT_AFTER_19_MONTHS: Final = Figure(
    name="STILL_ON_BENEFIT_AFTER_19_MONTHS",
    label="Share of all kontanthjælp recipients (Apr 2016) still in the system Nov 2017",
    value=0.60,
    unit="share",
    source=_SRC_BM_NOTAT_326,
    note="97,500 of 162,200; whole kontanthjælpssystem incl. jobparate and integrationsydelse.",
)
"""60 % of kontanthjælp recipients in Apr 2016 were still in the system 19 months later.
Sourced: Beskæftigelsesministeriet notat, BEU spm. 326,
https://ft.dk/samling/20171/almdel/beu/spm/326/svar/1478614/1876382/index.htm"""

EXIT_HAZARD_MONTH_ALL_KONTANTHJAELP: Final = Figure(
    name="EXIT_HAZARD_MONTH_ALL_KONTANTHJAELP",
    label="Average monthly exit hazard, all kontanthjælp types and destinations",
    value=1 - 0.6 ** (1 / 19),
    unit="per month",
    source="Derived from " + _SRC_BM_NOTAT_326,
    derived=True,
    note="1 - 0.6^(1/19) = about 2.7 %/month. Aktivitetsparate are well below this.",
)
"""DERIVED: 1 - 0.6^(1/19) ≈ 2.7 %/month exit for all kontanthjælp recipients (BEU spm. 326)."""


def _exit_hazard(dest: str, value: float, low: float, high: float) -> Figure:
    return Figure(
        name=f"EXIT_HAZARD_MONTH_{dest.upper()}",
        label=f"Aktivitetsparate baseline monthly exit hazard to {dest}",
        value=value,
        unit="per month",
        source=_NO_SOURCE + ". Benchmarks: Vordingborg RCT control group, "
        "https://www.apmollerfonde.dk/socialt-udsatte-og-frivillighed/projekter/vordingborg-kommune/",
        assumption=True,
        low=low,
        high=high,
        note="Total about 2.5 %/month, about 26 %/yr leaving.",
    )


def _exit_year(hazard: Figure, dest: str) -> Figure:
    assert hazard.low is not None and hazard.high is not None

    def p(h: float) -> float:
        return 1.0 - math.exp(-12.0 * h)

    return Figure(
        name=f"EXIT_YEAR_{dest.upper()}",
        label=f"Aktivitetsparate baseline annual exit probability to {dest} (scenario 'exit')",
        value=p(hazard.value),
        unit="probability per year",
        source=f"Derived from {hazard.name} (assumption).",
        assumption=True,
        derived=True,
        low=p(hazard.low),
        high=p(hazard.high),
        note=f"p = 1 - exp(-12 h), the inverse of the model's h = -ln(1 - p) / 12, with h = "
        f"{hazard.name}.",
    )


EXIT_HAZARD_MONTH_JOB: Final = _exit_hazard("job", 0.006, 0.004, 0.008)
"""ASSUMPTION: 0.6 %/month to ordinary job (0.4-0.8 %, about 5-9 %/yr); no source."""
EXIT_HAZARD_MONTH_EDUCATION: Final = _exit_hazard("education", 0.003, 0.002, 0.005)
"""ASSUMPTION: 0.3 %/month to education (0.2-0.5 %); no source."""
EXIT_HAZARD_MONTH_FLEXJOB: Final = _exit_hazard("flexjob", 0.003, 0.002, 0.004)
"""ASSUMPTION: 0.3 %/month to fleksjob/ledighedsydelse (0.2-0.4 %); no source."""
EXIT_HAZARD_MONTH_RESOURCE: Final = _exit_hazard("resource", 0.004, 0.003, 0.006)
"""ASSUMPTION: 0.4 %/month to ressourceforløb (0.3-0.6 %); no source."""
EXIT_HAZARD_MONTH_PENSION: Final = _exit_hazard("pension", 0.003, 0.002, 0.004)
"""ASSUMPTION: 0.3 %/month to førtidspension (0.2-0.4 %); no source."""
EXIT_HAZARD_MONTH_OTHER: Final = _exit_hazard("other", 0.003, 0.002, 0.004)
"""ASSUMPTION: 0.3 %/month to other (moving away, death, partner income) (0.2-0.4 %)."""

EXIT_YEAR_JOB: Final = _exit_year(EXIT_HAZARD_MONTH_JOB, "job")
"""ASSUMPTION, DERIVED: annual exit probability to job, 1 - exp(-12 x 0.006)."""
EXIT_YEAR_EDUCATION: Final = _exit_year(EXIT_HAZARD_MONTH_EDUCATION, "education")
"""ASSUMPTION, DERIVED: annual exit probability to education, 1 - exp(-12 x 0.003)."""
EXIT_YEAR_FLEXJOB: Final = _exit_year(EXIT_HAZARD_MONTH_FLEXJOB, "flexjob")
"""ASSUMPTION, DERIVED: annual exit probability to flexjob, 1 - exp(-12 x 0.003)."""
EXIT_YEAR_RESOURCE: Final = _exit_year(EXIT_HAZARD_MONTH_RESOURCE, "resource")
"""ASSUMPTION, DERIVED: annual exit probability to ressourceforløb, 1 - exp(-12 x 0.004)."""
EXIT_YEAR_PENSION: Final = _exit_year(EXIT_HAZARD_MONTH_PENSION, "pension")
"""ASSUMPTION, DERIVED: annual exit probability to førtidspension, 1 - exp(-12 x 0.003)."""
EXIT_YEAR_OTHER: Final = _exit_year(EXIT_HAZARD_MONTH_OTHER, "other")
"""ASSUMPTION, DERIVED: annual exit probability to other, 1 - exp(-12 x 0.003)."""

JOB_DURABILITY_12M_ALL_KONTANTHJAELP: Final = Figure(
    name="JOB_DURABILITY_12M_ALL_KONTANTHJAELP",
    label="Share of exits to job with 12 months continuous employment (all kontanthjælp)",
    value=0.50,
    unit="share",
    source=_SRC_BENCHMARK,
    note="Exits 2020-H1 2021. Job ended within 3 months: 26 %; in months 4-12: 24 %. Range "
    "across municipalities 38-64 %.",
)
"""50 % of exits to job from kontanthjælp last 12 months. Sourced: Benchmarkingenheden 2023,
https://www.benchmark.dk/nyhedsarkiv/2023/apr/analyse-af-varig-beskaeftigelse-blandt-tidligere-kontanthjaelpsmodtagere"""

JOB_ENDED_WITHIN_3M: Final = Figure(
    name="JOB_ENDED_WITHIN_3M",
    label="Share of exits to job that ended within 3 months (all kontanthjælp)",
    value=0.26,
    unit="share",
    source=_SRC_BENCHMARK,
)
"""26 % of jobs after kontanthjælp ended within 3 months. Sourced: Benchmarkingenheden 2023,
https://www.benchmark.dk/nyhedsarkiv/2023/apr/analyse-af-varig-beskaeftigelse-blandt-tidligere-kontanthjaelpsmodtagere"""

JOB_ENDED_MONTHS_4_12: Final = Figure(
    name="JOB_ENDED_MONTHS_4_12",
    label="Share of exits to job that ended in months 4-12 (all kontanthjælp)",
    value=0.24,
    unit="share",
    source=_SRC_BENCHMARK,
)
"""24 % of jobs after kontanthjælp ended in months 4-12. Sourced: Benchmarkingenheden 2023,
https://www.benchmark.dk/nyhedsarkiv/2023/apr/analyse-af-varig-beskaeftigelse-blandt-tidligere-kontanthjaelpsmodtagere"""

JOB_DURABILITY_12M: Final = Figure(
    name="JOB_DURABILITY_12M",
    label="Share of aktivitetsparate exits to job lasting 12 months",
    value=0.45,
    unit="share",
    source=_NO_SOURCE + " for aktivitetsparate; all kontanthjælp: 50 %, " + _SRC_BENCHMARK,
    assumption=True,
    low=0.35,
    high=0.55,
    note="Suggested default 45 % (35-55 %); the relapse discussion alone suggests 35-50 % for "
    "aktivitetsparate.",
)
"""ASSUMPTION: 45 % of aktivitetsparate job exits last 12 months (35-55 %). All kontanthjælp
50 %: https://www.benchmark.dk/nyhedsarkiv/2023/apr/analyse-af-varig-beskaeftigelse-blandt-tidligere-kontanthjaelpsmodtagere"""

RELAPSE_YEAR_JOB: Final = Figure(
    name="RELAPSE_YEAR_JOB",
    label="Annual probability that a job exit ends (destination 'job', scenario 'relapse')",
    value=0.55,
    unit="probability per year",
    source="Derived from JOB_DURABILITY_12M (assumption); " + _SRC_BENCHMARK,
    assumption=True,
    derived=True,
    low=0.45,
    high=0.65,
    note="1 - JOB_DURABILITY_12M, i.e. a constant relapse hazard. The real hazard is much "
    "higher in months 1-3 (RELAPSE_HAZARD_MONTH_1_3) and falls below 1 %/month after a year, "
    "and not every ended job means a return to benefit.",
)
"""ASSUMPTION, DERIVED: relapse from job 55 %/yr (45-65 %) = 1 - JOB_DURABILITY_12M."""

RELAPSE_HAZARD_MONTH_1_3: Final = Figure(
    name="RELAPSE_HAZARD_MONTH_1_3",
    label="Relapse hazard from job, months 1-3",
    value=0.09,
    unit="per month",
    source=_NO_SOURCE + "; consistent with 12-month durability of 35-50 %.",
    assumption=True,
    low=0.08,
    high=0.10,
    note="Only the range is given; the central value is its midpoint.",
)
"""ASSUMPTION: relapse hazard 8-10 %/month in months 1-3 of a job (midpoint 9 %)."""

RELAPSE_HAZARD_MONTH_4_12: Final = Figure(
    name="RELAPSE_HAZARD_MONTH_4_12",
    label="Relapse hazard from job, months 4-12",
    value=0.03,
    unit="per month",
    source=_NO_SOURCE + "; consistent with 12-month durability of 35-50 %.",
    assumption=True,
    low=0.025,
    high=0.035,
    note="Only the range is given; the central value is its midpoint. Below 1 %/month after.",
)
"""ASSUMPTION: relapse hazard 2.5-3.5 %/month in months 4-12 of a job (midpoint 3 %)."""


# ---------------------------------------------------------------------------------------------
# Benefit rate tables
# ---------------------------------------------------------------------------------------------

_GROUP_LABELS: dict[str, str] = {}
_RATES: dict[str, dict[int, Rate]] = {}


def _group(group: str, label: str) -> None:
    _GROUP_LABELS[group] = label
    _RATES[group] = {}


def _add(
    group: str, year: int, value: float, source: str, derived: bool = False, note: str = ""
) -> None:
    _RATES[group][year] = Rate(
        group=group, year=year, value=float(value), source=source, derived=derived, note=note
    )


_KH_FORS = "kontanthjaelp_30plus_forsoerger"
_KH_OTHER = "kontanthjaelp_30plus_other"
_group(_KH_FORS, "Kontanthjælp, 30+, with children (forsørger), § 25 stk. 2 aktivloven")
_group(_KH_OTHER, "Kontanthjælp, 30+, other (andre), § 25 stk. 2 aktivloven")
_EQUIV = "equal by law to the uddannelseshjælp 'psykisk syg' rates (forsørgelsespligt / udeboende)"
for _year, _fors, _other, _src, _derived, _note in (
    (2016, 14575, 10968, _SRC_KH_2016, False, ""),
    (2017, 14808, 11143, _SRC_KH_2017, False, ""),
    (2018, 14993, 11282, _SRC_KH_2018, False, ""),
    (2019, 15180, 11423, _SRC_UH_2019, True, _EQUIV),
    (2020, 15355, 11554, _SRC_UH_2020 + " ; " + _SRC_HERNING_2020, True, _EQUIV),
    (2021, 15547, 11698, _SRC_KH_2021, False, ""),
):
    _add(_KH_FORS, _year, _fors, _src, _derived, _note)
    _add(_KH_OTHER, _year, _other, _src, _derived, _note)

_UH_UDE = "uddannelseshjaelp_udeboende"
_UH_HJEM = "uddannelseshjaelp_hjemmeboende"
_UH_FORS = "uddannelseshjaelp_forsoerger"
_group(_UH_UDE, "Uddannelseshjælp base rate, under 30, living away from parents (<25 and 25-29)")
_group(_UH_HJEM, "Uddannelseshjælp base rate, under 30, living with parents")
_group(_UH_FORS, "Uddannelseshjælp base rate, under 30, single provider (enlig forsørger)")
for _year, _ude, _hjem, _fors, _src, _derived, _note in (
    (2016, 6010, 2590, 12019, _SRC_UH_2016, False, ""),
    (
        2017,
        6106,
        2631,
        12211,
        "Derived from " + _SRC_UH_2016,
        True,
        "2016 x 1.016. The single-provider rate 12,211 is confirmed for 'kontantydelse uden "
        "uddannelse' 2017 on bm.dk.",
    ),
    (2018, 6182, 2664, 12364, _SRC_UH_2018, False, ""),
    (2019, 6259, 2697, 12519, _SRC_UH_2019, False, ""),
    (2020, 6331, 2728, 12663, _SRC_UH_2020, False, ""),
    (2021, 6410, 2762, 12821, "Derived from " + _SRC_UH_2020, True, "2020 x 1.0125"),
):
    _add(_UH_UDE, _year, _ude, _src, _derived, _note)
    _add(_UH_HJEM, _year, _hjem, _src, _derived, _note)
    _add(_UH_FORS, _year, _fors, _src, _derived, _note)

_TL_2529 = "uddannelseshjaelp_aktivitetstillaeg_25_29_udeboende"
_TL_U25 = "uddannelseshjaelp_aktivitetstillaeg_under25_udeboende"
_group(_TL_2529, "Aktivitetstillæg alone, aktivitetsparat uddannelseshjælp, 25-29, udeboende")
_group(_TL_U25, "Aktivitetstillæg alone, aktivitetsparat uddannelseshjælp, under 25, udeboende")
for _year, _t2529, _tu25, _src in (
    (2018, 5100, 1089, _SRC_UH_2018),
    (2019, 5164, 1103, _SRC_UH_2019),
    (2020, 5223, 1116, _SRC_UH_2020),
):
    _add(_TL_2529, _year, _t2529, _src)
    _add(_TL_U25, _year, _tu25, _src)

_AP_2529 = "uddannelseshjaelp_aktivitetsparat_25_29_udeboende"
_AP_U25 = "uddannelseshjaelp_aktivitetsparat_under25_udeboende"
_AP_U25_HJEM = "uddannelseshjaelp_aktivitetsparat_under25_hjemmeboende"
_AP_FORS = "uddannelseshjaelp_aktivitetsparat_forsoerger"
_group(_AP_2529, "Uddannelseshjælp + aktivitetstillæg, aktivitetsparat, 25-29, udeboende")
_group(_AP_U25, "Uddannelseshjælp + aktivitetstillæg, aktivitetsparat, under 25, udeboende")
_group(_AP_U25_HJEM, "Uddannelseshjælp incl. tillæg, aktivitetsparat, under 25, hjemmeboende")
_group(_AP_FORS, "Uddannelseshjælp incl. tillæg, aktivitetsparat, provider")
_SUM = "base rate + aktivitetstillæg"
_add(
    _AP_2529, 2018, 11282, _SRC_UH_2018, note="Total stated in the source (= the 30+ 'andre' level)"
)
_add(_AP_2529, 2019, 6259 + 5164, _SRC_UH_2019, derived=True, note=_SUM + ": 6,259 + 5,164")
_add(_AP_2529, 2020, 11554, _SRC_HERNING_2020, note="Total stated in the source; 6,331 + 5,223")
_add(_AP_U25, 2018, 6182 + 1089, _SRC_UH_2018, derived=True, note=_SUM + ": 6,182 + 1,089")
_add(_AP_U25, 2019, 6259 + 1103, _SRC_UH_2019, derived=True, note=_SUM + ": 6,259 + 1,103")
_add(_AP_U25, 2020, 7447, _SRC_HERNING_2020, note="Total stated in the source; 6,331 + 1,116")
_add(_AP_U25_HJEM, 2020, 3593, _SRC_HERNING_2020, note="Total incl. tillæg stated in the source")
_add(
    _AP_FORS,
    2020,
    15356,
    _SRC_HERNING_2020,
    note="Total incl. tillæg stated in the source; 1 kr. above the 30+ forsørger rate 15,355",
)

_UNG_2529 = "kontanthjaelp_ungesats_25_29_udeboende"
_UNG_HJEM = "kontanthjaelp_ungesats_hjemmeboende"
_group(_UNG_2529, "Kontanthjælp ungesats (under 30 with education), 25-29, udeboende")
_group(_UNG_HJEM, "Kontanthjælp ungesats (under 30 with education), hjemmeboende")
_add(_UNG_2529, 2017, 7182, _SRC_UNGESATS_2017)
_add(_UNG_HJEM, 2017, 3466, _SRC_UNGESATS_2017)

_RFY_FORS = "ressourceforloebsydelse_forsoerger"
_RFY_OTHER = "ressourceforloebsydelse_other"
_group(_RFY_FORS, "Ressourceforløbsydelse, provider (= kontanthjælp 30+ forsørger)")
_group(_RFY_OTHER, "Ressourceforløbsydelse, not a provider (= kontanthjælp 30+ andre)")
for _year, _entry in _RATES[_KH_FORS].items():
    _other_entry = _RATES[_KH_OTHER][_year]
    if _year == 2017:
        _add(_RFY_FORS, _year, RESSOURCEFORLOEBSYDELSE_FORSOERGER.value, _SRC_RFY_2017)
        _add(_RFY_OTHER, _year, RESSOURCEFORLOEBSYDELSE.value, _SRC_RFY_2017)
    else:
        _src = "Derived: equals kontanthjælp 30+ (" + _SRC_RFY_2017 + "); " + _entry.source
        _add(_RFY_FORS, _year, _entry.value, _src, True, "follows kontanthjælp 30+ forsørger")
        _add(_RFY_OTHER, _year, _other_entry.value, _src, True, "follows kontanthjælp 30+ andre")

_FP_SINGLE = "foertidspension_single"
_FP_COUPLE = "foertidspension_couple"
_group(_FP_SINGLE, "Førtidspension (new rules), single")
_group(_FP_COUPLE, "Førtidspension (new rules), married/cohabiting")
_add(_FP_SINGLE, 2018, FOERTIDSPENSION_MONTH.value, _SRC_FP_2018)
_add(_FP_COUPLE, 2018, FOERTIDSPENSION_COUPLE_MONTH.value, _SRC_FP_2018)
_add(_FP_SINGLE, 2020, 19092, _SRC_FP_2020)
_add(_FP_COUPLE, 2020, 16229, _SRC_FP_2020)


def rate_groups() -> dict[str, str]:
    """The rate groups and what each one is."""
    return dict(_GROUP_LABELS)


def _suggest(name: str, candidates: list[str]) -> str:
    lower = {c.lower(): c for c in candidates}
    match = difflib.get_close_matches(name.lower(), list(lower), n=1, cutoff=0.6)
    return f" (did you mean '{lower[match[0]]}'?)" if match else ""


def _regulation(from_year: int, to_year: int) -> float:
    factor = 1.0
    for y in range(from_year + 1, to_year + 1):
        factor *= 1.0 + SATSREGULERING.get(y, SATSREGULERING_EXTRAPOLATION.value)
    return factor


def _span(years: list[int]) -> str:
    return str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"


def rate_entry(group: str, year: int) -> Rate:
    """The monthly rate of ``group`` in ``year`` with its source (see :func:`rate`)."""
    table = _RATES.get(group)
    if table is None:
        raise ValueError(f"unknown rate group {group!r}{_suggest(group, list(_RATES))}")
    if isinstance(year, bool) or not isinstance(year, int):
        raise ValueError(f"rate group {group!r}: year must be an integer, got {year!r}")
    if year in table:
        return table[year]
    first = min(table)
    if year < first:
        raise ValueError(f"rate group {group!r} starts in {first}; no rate for {year}")
    base = table[max(y for y in table if y < year)]
    known = [y for y in range(base.year + 1, year + 1) if y in SATSREGULERING]
    assumed = [y for y in range(base.year + 1, year + 1) if y not in SATSREGULERING]
    parts = []
    if known:
        parts.append(f"the actual changes of {_span(known)} (SATSREGULERING)")
    if assumed:
        parts.append(
            f"an assumed {SATSREGULERING_EXTRAPOLATION.value:.2%}/yr for {_span(assumed)}"
            " (SATSREGULERING_EXTRAPOLATION, an assumption)"
        )
    return Rate(
        group=group,
        year=year,
        value=base.value * _regulation(base.year, year),
        source=base.source,
        derived=True,
        note=f"Extrapolated from {base.year} with " + " and ".join(parts),
    )


def rate(group: str, year: int) -> float:
    """The official monthly rate (DKK, before tax) of a benefit group in a year.

    Years in the table return the table value (official or, where flagged in
    :func:`rate_entry`, derived). A year after the last table year - or between two table
    years - is the latest earlier table value regulated by the actual yearly changes in
    :data:`SATSREGULERING` where they are known and by the assumed
    :data:`SATSREGULERING_EXTRAPOLATION` (1.25 %/yr, an assumption) after that.

    Raises ``ValueError`` naming the group for an unknown group (with a suggestion) or a year
    before the table.
    """
    return rate_entry(group, year).value


def rate_entries() -> list[Rate]:
    """All table entries, by group and year (for an assumptions sheet)."""
    return [entry for table in _RATES.values() for entry in sorted(table.values(), key=_year_of)]


def _year_of(entry: Rate) -> int:
    return entry.year


# ---------------------------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------------------------


def _collect() -> dict[str, Figure]:
    found: dict[str, Figure] = {}
    for key, value in list(globals().items()):
        if isinstance(value, Figure):
            if key != value.name:
                raise RuntimeError(f"figure {value.name!r} is bound to the name {key!r}")
            found[key] = value
    return found


_FIGURES: Final[dict[str, Figure]] = _collect()
_NON_FIGURE_REFERENCES: Final = ("REFUSION_LADDER_2016",)


def figures() -> list[Figure]:
    """Every figure, in the order of this module."""
    return list(_FIGURES.values())


def assumptions() -> list[Figure]:
    """The figures that are assumptions (no public figure), in the order of this module."""
    return [f for f in _FIGURES.values() if f.assumption]


def figure(name: str) -> Figure:
    """The figure called ``name``; ``ValueError`` with a suggestion if there is none."""
    try:
        return _FIGURES[name]
    except KeyError:
        candidates = [*_FIGURES, *_NON_FIGURE_REFERENCES]
        raise ValueError(f"unknown figure {name!r}{_suggest(name, candidates)}") from None


# ---------------------------------------------------------------------------------------------
# Scenario references
# ---------------------------------------------------------------------------------------------

_RATE_KEYS: Final = frozenset({"rate", "year", "scale"})
_DK_KEYS: Final = frozenset({"dk", "scale", "dist"})
_DISTS: Final = ("pert", "triangular", "uniform", "fixed")


def resolve_references(d: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of a scenario dict with every reference replaced.

    * ``{ rate = "<group>", year = <int> }`` becomes ``rate(group, year)``; ``year`` defaults to
      the year of the scenario's ``start = "YYYY-MM"``; ``scale = <number>`` multiplies it.
    * ``{ dk = "<FIGURE_NAME>" }`` becomes the figure's value, or - for an assumption with a
      range - ``{ dist = "pert", min = low, mode = value, max = high }``. ``scale`` multiplies
      the value (or min/mode/max); ``dist`` = ``"pert"`` (default), ``"triangular"``,
      ``"uniform"`` (``low``, ``high``) or ``"fixed"`` (the central value) chooses the form.
    * ``{ dk = "REFUSION_LADDER_2016" }`` becomes a copy of :data:`REFUSION_LADDER_2016`.

    ``scale`` may itself be a ``{ dk = ... }`` reference to a figure without a range. The input
    is not changed. Errors are ``ValueError`` whose message starts with the field's path, e.g.
    ``segments[0].benefit_month: unknown rate group ...``.
    """
    if not isinstance(d, dict):
        raise ValueError(f"<root>: a scenario must be a table (dict), got {type(d).__name__}")
    start_year = _start_year(d.get("start"))
    resolved = _resolve(d, "", start_year)
    assert isinstance(resolved, dict)
    return resolved


def _start_year(start: object) -> int | None:
    if isinstance(start, date):
        return start.year
    if isinstance(start, str):
        m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", start)
        if m:
            return int(m.group(1))
    return None


def _join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def _where(path: str) -> str:
    return path or "<root>"


def _resolve(value: Any, path: str, start_year: int | None) -> Any:
    if isinstance(value, dict):
        is_rate = isinstance(value.get("rate"), str)
        is_dk = isinstance(value.get("dk"), str)
        if is_rate and is_dk:
            raise ValueError(f"{_where(path)}: a reference has either 'rate' or 'dk', not both")
        if is_rate:
            return _resolve_rate(value, path, start_year)
        if is_dk:
            return _resolve_dk(value, path, start_year)
        return {k: _resolve(v, _join(path, k), start_year) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, f"{path}[{i}]", start_year) for i, v in enumerate(value)]
    if isinstance(value, tuple):
        return tuple(_resolve(v, f"{path}[{i}]", start_year) for i, v in enumerate(value))
    return copy.deepcopy(value)


def _check_keys(ref: dict[str, Any], allowed: frozenset[str], kind: str, path: str) -> None:
    extra = sorted(str(k) for k in ref if k not in allowed)
    if extra:
        raise ValueError(
            f"{_where(path)}: unexpected key(s) {', '.join(extra)} in a {kind} reference "
            f"(allowed: {', '.join(sorted(allowed))})"
        )


def _scale(ref: dict[str, Any], path: str, start_year: int | None) -> float:
    if "scale" not in ref:
        return 1.0
    scale = _resolve(ref["scale"], _join(path, "scale"), start_year)
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not math.isfinite(scale):
        raise ValueError(f"{_where(path)}: scale must be a finite number, got {scale!r}")
    return float(scale)


def _resolve_rate(ref: dict[str, Any], path: str, start_year: int | None) -> float:
    _check_keys(ref, _RATE_KEYS, "rate", path)
    group: str = ref["rate"]
    if "year" in ref:
        year = ref["year"]
        if isinstance(year, bool) or not isinstance(year, int):
            raise ValueError(f"{_where(path)}: year must be an integer, got {year!r}")
    elif start_year is not None:
        year = start_year
    else:
        raise ValueError(
            f"{_where(path)}: rate reference {group!r} needs a year "
            '(or a scenario start = "YYYY-MM" to take it from)'
        )
    scale = _scale(ref, path, start_year)
    try:
        value = rate(group, year)
    except ValueError as e:
        raise ValueError(f"{_where(path)}: {e}") from e
    return value * scale


def _resolve_dk(ref: dict[str, Any], path: str, start_year: int | None) -> Any:
    _check_keys(ref, _DK_KEYS, "dk", path)
    name: str = ref["dk"]
    if name == "REFUSION_LADDER_2016":
        if len(ref) > 1:
            raise ValueError(f"{_where(path)}: {name} takes no scale or dist")
        return copy.deepcopy(REFUSION_LADDER_2016)
    try:
        fig = figure(name)
    except ValueError as e:
        raise ValueError(f"{_where(path)}: {e}") from e
    dist = ref.get("dist", "pert" if fig.has_range else "fixed")
    if dist not in _DISTS:
        raise ValueError(f"{_where(path)}: dist must be one of {', '.join(_DISTS)}, got {dist!r}")
    scale = _scale(ref, path, start_year)
    mode = fig.value * scale
    if dist == "fixed":
        return mode
    if fig.low is None or fig.high is None:
        raise ValueError(
            f'{_where(path)}: figure {name!r} has no range; only dist = "fixed" applies'
        )
    lo, hi = sorted((fig.low * scale, fig.high * scale))
    if lo == hi:
        return mode
    if dist == "uniform":
        return {"dist": "uniform", "low": lo, "high": hi}
    return {"dist": dist, "min": lo, "mode": mode, "max": hi}
