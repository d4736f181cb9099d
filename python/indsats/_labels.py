"""Labels shown to users, in English and Danish."""

from __future__ import annotations

from ._options import check_lang

_LABELS: dict[str, dict[str, str]] = {
    # The business-case table.
    "investment": {"en": "Investment", "da": "Investering"},
    "savings": {"en": "Savings", "da": "Besparelse"},
    "net": {"en": "Net", "da": "I alt"},
    "savings.benefit": {"en": "  of which benefit payments", "da": "  heraf forsørgelse"},
    "savings.effort": {"en": "  of which jobcenter effort", "da": "  heraf indsats"},
    "savings.destinations": {
        "en": "  of which other benefits and support",
        "da": "  heraf andre ydelser",
    },
    "cumulative_net": {"en": "Cumulative net", "da": "Akkumuleret i alt"},
    "mean": {"en": "mean", "da": "middel"},
    "year": {"en": "Year", "da": "År"},
    "total": {"en": "Total", "da": "Samlet"},
    # The summary.
    "npv": {"en": "NPV", "da": "Nutidsværdi"},
    "p_npv_negative": {"en": "P(NPV < 0)", "da": "P(nutidsværdi < 0)"},
    "payback": {"en": "Probability of payback", "da": "Sandsynlighed for at tjene sig hjem"},
    "break_even": {
        "en": "Break-even month (median of the draws that break even)",
        "da": "Tjent hjem, måned (median af trækningerne, der tjener sig hjem)",
    },
    "never": {"en": "never", "da": "aldrig"},
    "never_share": {
        "en": "Never breaks even (share of draws)",
        "da": "Tjener sig aldrig hjem (andel af trækningerne)",
    },
    "extra_job_education": {
        "en": "Extra persons in job or education, end of horizon",
        "da": "Ekstra personer i job eller uddannelse",
    },
    # States and arms.
    "benefit": {"en": "Benefit", "da": "Forsørgelse"},
    "job": {"en": "Job", "da": "Job"},
    "education": {"en": "Education", "da": "Uddannelse"},
    "flexjob": {"en": "Flexjob", "da": "Fleksjob"},
    "resource": {"en": "Resource programme", "da": "Ressourceforløb"},
    "pension": {"en": "Disability pension", "da": "Førtidspension"},
    "other": {"en": "Other", "da": "Andet"},
    "baseline": {"en": "Baseline", "da": "Uden investering"},
    "intervention": {"en": "Intervention", "da": "Med investering"},
    # Axes and columns.
    "month": {"en": "Month", "da": "Måned"},
    "persons": {"en": "Persons", "da": "Personer"},
    "draws": {"en": "Draws", "da": "Trækninger"},
    "broken_even_share": {
        "en": "Share of draws broken even",
        "da": "Andel trækninger, der har tjent sig hjem",
    },
    "no_break_even": {
        "en": "No draw breaks even within the horizon",
        "da": "Ingen trækning tjener sig hjem inden for horisonten",
    },
    # The workbook.
    "excel.sheet.table": {"en": "Business case", "da": "Business case"},
    "excel.sheet.summary": {"en": "Summary", "da": "Resumé"},
    "excel.sheet.assumptions": {"en": "Assumptions", "da": "Antagelser"},
    "excel.sheet.draws": {"en": "Draws", "da": "Trækninger"},
    "excel.sheet.about": {"en": "About the run", "da": "Om kørslen"},
    "excel.signs": {
        "en": "Signs: savings are negative (a saving lowers the cost); Net = Investment + "
        "Savings, so a negative net means the investment earns more than it costs.",
        "da": "Fortegn: besparelser er negative (de sænker udgiften); I alt = Investering + "
        "Besparelse, så et negativt I alt betyder, at investeringen tjener sig hjem.",
    },
    "excel.interval": {
        "en": "{unit}; mean and the {lo}–{hi} % interval over {n} draws; "
        "the total sums each draw's years.",
        "da": "{unit}; middel og {lo}–{hi} %-interval over {n} trækninger; "
        "samlet er summen af årene i hver trækning.",
    },
    "excel.payback": {
        "en": "Probability of payback: the share of draws in which the cumulative net "
        "(undiscounted) reaches zero and stays there within the horizon.",
        "da": "Sandsynlighed for at tjene sig hjem: andelen af trækninger, hvor det "
        "akkumulerede I alt (ikke tilbagediskonteret) når nul og bliver der inden for horisonten.",
    },
    "excel.draw": {"en": "draw", "da": "trækning"},
    "excel.break_even_month": {
        "en": "break-even (month, {start} = 0)",
        "da": "tjent hjem (måned, {start} = 0)",
    },
    "excel.extra": {
        "en": "extra persons in job or education, end of horizon",
        "da": "ekstra personer i job eller uddannelse, slut",
    },
    "excel.item": {"en": "item", "da": "oplysning"},
    "excel.value": {"en": "value", "da": "værdi"},
    "excel.truncated": {
        "en": "first {n} draws only (Excel's row limit)",
        "da": "kun de første {n} trækninger (Excels grænse for rækker)",
    },
    # Units.
    "mio": {"en": "mio. kr.", "da": "mio. kr."},
    "tkr": {"en": "1,000 kr.", "da": "1.000 kr."},
    "kr": {"en": "kr.", "da": "kr."},
}


def label(key: str, lang: str = "en") -> str:
    """The label of ``key`` in ``lang``; unknown keys are shown as they are."""
    check_lang(lang)
    entry = _LABELS.get(key)
    return entry[lang] if entry else key
