"""Labels shown to users, in English and Danish."""

from __future__ import annotations

LANGS = ("en", "da")

_LABELS: dict[str, dict[str, str]] = {
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
    "npv": {"en": "NPV", "da": "Nutidsværdi"},
    "break_even": {"en": "Break-even (month)", "da": "Tjent hjem (måned)"},
    "break_even_year": {"en": "Break-even (year)", "da": "Tjent hjem (år)"},
    "payback": {"en": "Probability of payback", "da": "Sandsynlighed for at tjene sig hjem"},
    "extra_job_education": {
        "en": "Extra persons into job or education",
        "da": "Ekstra personer i job eller uddannelse",
    },
    "benefit": {"en": "Benefit", "da": "Forsørgelse"},
    "job": {"en": "Job", "da": "Job"},
    "education": {"en": "Education", "da": "Uddannelse"},
    "flexjob": {"en": "Flexjob", "da": "Fleksjob"},
    "resource": {"en": "Resource programme", "da": "Ressourceforløb"},
    "pension": {"en": "Disability pension", "da": "Førtidspension"},
    "other": {"en": "Other", "da": "Andet"},
    "baseline": {"en": "Baseline", "da": "Uden investering"},
    "intervention": {"en": "Intervention", "da": "Med investering"},
    "year": {"en": "Year", "da": "År"},
    "month": {"en": "Month", "da": "Måned"},
    "persons": {"en": "Persons", "da": "Personer"},
    "draws": {"en": "Draws", "da": "Trækninger"},
    "mio": {"en": "mio. kr.", "da": "mio. kr."},
    "tkr": {"en": "1,000 kr.", "da": "1.000 kr."},
    "kr": {"en": "kr.", "da": "kr."},
    "interval": {"en": "interval", "da": "interval"},
    "none": {"en": "none", "da": "ingen"},
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported, else raise ValueError naming the choices."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}; got {lang!r}")
    return lang


def label(key: str, lang: str = "en") -> str:
    """The label of ``key`` in ``lang``; unknown keys are shown as they are."""
    check_lang(lang)
    entry = _LABELS.get(key)
    return entry[lang] if entry else key
