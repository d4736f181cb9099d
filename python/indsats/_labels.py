"""Labels shown to users, in English and Danish."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._options import check_lang

if TYPE_CHECKING:
    import pandas as pd

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
    # Memo rows below Net (MODEL.md 12.9): not part of its sum.
    "gross_savings": {
        "en": "Gross savings (before-and-after count)",
        "da": "Bruttobesparelse (før-og-efter-opgørelse)",
    },
    "deadweight": {
        "en": "Deadweight (share that would have happened anyway)",
        "da": "Dødvægt (andel, der var sket alligevel)",
    },
    "persons_job_education": {
        "en": "Persons in job or education (extra, end of year)",
        "da": "Personer i job eller uddannelse (ekstra, ultimo året)",
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
        "da": "Ekstra personer i job eller uddannelse ved periodens slutning",
    },
    "savings_total": {
        "en": "Savings over the horizon ({unit}; the model: intervention − baseline)",
        "da": "Besparelse i hele perioden ({unit}; modellen: med − uden investering)",
    },
    "benefit_savings_total": {
        "en": "Benefit savings over the horizon, municipal share ({unit}; the model)",
        "da": "Besparelse på forsørgelse i hele perioden, kommunens andel ({unit}; modellen)",
    },
    "gross_savings_total": {
        "en": "Gross savings over the horizon ({unit}; before-and-after count)",
        "da": "Bruttobesparelse i hele perioden ({unit}; før-og-efter-opgørelse)",
    },
    "deadweight_horizon": {
        "en": "Deadweight (share of the gross benefit savings that would have happened anyway)",
        "da": "Dødvægt (andel af bruttobesparelsen på forsørgelse, der var sket alligevel)",
    },
    "deadweight_undefined": {
        "en": "Deadweight undefined: draws with no gross savings",
        "da": "Dødvægt udefineret: trækninger uden bruttobesparelse",
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
    "stock_difference": {
        "en": "Persons, intervention − baseline",
        "da": "Personer, med − uden investering",
    },
    "paid_back_share": {
        "en": "Share paid back by the year's end",
        "da": "Andel tjent hjem ved årets udgang",
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
    "excel.sheet.by_segment": {"en": "By segment", "da": "Segmenter"},
    "excel.sheet.by_component": {"en": "By component", "da": "Komponenter"},
    "excel.detail_draws": {
        "en": "Mean and percentiles over the first {n} draws. Money: {unit}",
        "da": "Middel og percentiler over de første {n} trækninger. Beløb: {unit}",
    },
    "excel.deadweight": {
        "en": "Deadweight: 1 − the model's municipal benefit savings / the gross savings a "
        "before-and-after count claims (benefit saved on everyone who left benefit since the "
        "investment began), over the horizon; in the table per year and, in the total "
        "column, over the horizon.",
        "da": "Dødvægt: 1 − modellens besparelse på kommunens forsørgelse / den "
        "bruttobesparelse, en før-og-efter-opgørelse viser (sparet forsørgelse på alle, der "
        "har forladt ydelsen, siden investeringen begyndte), over hele perioden; i tabellen "
        "pr. år og, i kolonnen samlet, over hele perioden.",
    },
    "excel.item": {"en": "item", "da": "oplysning"},
    "excel.value": {"en": "value", "da": "værdi"},
    "excel.truncated": {
        "en": "first {n} draws only (Excel's row limit)",
        "da": "kun de første {n} trækninger (Excels grænse for rækker)",
    },
    # indsats.sensitivity.
    "sensitivity.swing": {"en": "Swing", "da": "Udsving"},
    "sensitivity.low": {"en": "at the {p}th percentile", "da": "ved {p}. percentil"},
    "sensitivity.high": {"en": "at the {p}th percentile", "da": "ved {p}. percentil"},
    "sensitivity.base": {"en": "all at their medians: {v}", "da": "alle ved deres median: {v}"},
    "sensitivity.tornado_title": {"en": "What moves {o}", "da": "Hvad flytter {o}"},
    "sensitivity.sobol_title": {
        "en": "Share of the variance of {o}",
        "da": "Andel af variansen i {o}",
    },
    "sensitivity.first": {"en": "first order (alone)", "da": "første orden (alene)"},
    "sensitivity.total": {"en": "total (with interactions)", "da": "total (med samspil)"},
    "sensitivity.delta": {"en": "Moment-independent δ", "da": "Momentuafhængigt δ"},
    # indsats.voi.
    "voi.title": {"en": "What is worth knowing", "da": "Hvad er værd at vide"},
    "voi.evpi": {"en": "Everything (EVPI)", "da": "Alt (EVPI)"},
    "voi.value": {"en": "Expected value of information", "da": "Forventet værdi af viden"},
    "voi.pilot_title": {"en": "Value of a pilot", "da": "Værdi af et pilotprojekt"},
    "voi.participants": {"en": "Participants in the pilot", "da": "Deltagere i pilotprojektet"},
    "voi.ceiling": {"en": "Knowing it exactly (EVPPI)", "da": "Kende den præcist (EVPPI)"},
    "voi.do_nothing": {"en": "do nothing", "da": "gør ingenting"},
    # indsats.design.
    "design.investment_total": {
        "en": "Investment over the horizon",
        "da": "Investering i hele perioden",
    },
    "design.frontier": {"en": "Investment against NPV", "da": "Investering mod nutidsværdi"},
    "design.pareto": {"en": "frontier", "da": "front"},
    "design.designs": {"en": "designs", "da": "design"},
    "design.best": {"en": "best", "da": "bedst"},
    "design.fte": {"en": "Extra caseworkers (FTE)", "da": "Ekstra sagsbehandlere (årsværk)"},
    "design.marginal": {
        "en": "NPV of the last caseworker",
        "da": "Nutidsværdi af den sidste sagsbehandler",
    },
    "design.npv_mean": {"en": "mean NPV", "da": "nutidsværdi, middel"},
    # Parameters by what they are ({d} a destination, {c} a component, {i} a step).
    "param.initial": {"en": "Recipients at the start", "da": "Modtagere ved start"},
    "param.inflow_per_year": {"en": "Inflow per year", "da": "Tilgang pr. år"},
    "param.benefit_month": {"en": "Benefit per month", "da": "Ydelse pr. måned"},
    "param.exit": {
        "en": "Yearly probability of leaving for {d}",
        "da": "Årlig sandsynlighed for afgang til {d}",
    },
    "param.relapse": {
        "en": "Yearly probability of relapse from {d}",
        "da": "Årlig sandsynlighed for tilbagefald fra {d}",
    },
    "param.cost_month": {
        "en": "Municipal cost per month in {d}",
        "da": "Kommunens udgift pr. måned i {d}",
    },
    "param.state_month": {
        "en": "State cost per month in {d}",
        "da": "Statens udgift pr. måned i {d}",
    },
    "param.indsats_month": {
        "en": "Jobcenter effort per recipient-month",
        "da": "Indsatsudgift pr. modtager pr. måned",
    },
    "param.indexation": {"en": "Indexation of benefits (yearly)", "da": "Satsregulering (årlig)"},
    "param.refusion": {"en": "State refusion, step {i}", "da": "Statsrefusion, trin {i}"},
    "param.discount_rate": {"en": "Discount rate", "da": "Diskonteringsrente"},
    "param.ramp_months": {"en": "Ramp-up (months)", "da": "Indfasning (måneder)"},
    "param.funding": {"en": "External funding", "da": "Ekstern finansiering"},
    "param.caseload.base": {
        "en": "Caseload today (cases per caseworker)",
        "da": "Sagsstamme i dag (sager pr. sagsbehandler)",
    },
    "param.caseload.target": {"en": "Target caseload", "da": "Målsat sagsstamme"},
    "param.caseload.extra_fte": {
        "en": "Extra caseworkers (FTE)",
        "da": "Ekstra sagsbehandlere (årsværk)",
    },
    "param.caseload.fte_cost_year": {
        "en": "Cost of a caseworker per year",
        "da": "Udgift pr. sagsbehandler pr. år",
    },
    "param.caseload.elasticity": {
        "en": "Effect of a lower caseload (elasticity)",
        "da": "Effekt af lavere sagsstamme (elasticitet)",
    },
    "param.caseload.max_hr": {
        "en": "Largest effect of a lower caseload",
        "da": "Største effekt af lavere sagsstamme",
    },
    "param.component.participants": {"en": "{c}: participants", "da": "{c}: deltagere"},
    "param.component.coverage": {
        "en": "{c}: share of the target group reached",
        "da": "{c}: andel af målgruppen",
    },
    "param.component.hr": {
        "en": "{c}: effect on leaving for {d} (hazard ratio)",
        "da": "{c}: effekt på afgang til {d} (hazard ratio)",
    },
    "param.component.relapse_hr": {
        "en": "{c}: effect on relapse from {d} (hazard ratio)",
        "da": "{c}: effekt på tilbagefald fra {d} (hazard ratio)",
    },
    "param.component.cost_month": {
        "en": "{c}: cost per participant per month",
        "da": "{c}: udgift pr. deltager pr. måned",
    },
    "param.component.fixed_year": {
        "en": "{c}: fixed cost per year",
        "da": "{c}: fast udgift pr. år",
    },
    "param.component.one_off": {"en": "{c}: one-off cost", "da": "{c}: engangsudgift"},
    # Modes and perspectives, where a run is described.
    "mode.stochastic": {"en": "stochastic", "da": "stokastisk"},
    "mode.mean_field": {"en": "mean_field", "da": "middelværdi (mean-field)"},
    "perspective.municipal": {"en": "municipal", "da": "kommunal"},
    "perspective.state": {"en": "state", "da": "statslig"},
    "perspective.public": {"en": "public", "da": "offentlig (kommune og stat)"},
    # Outputs per segment and component (Result.by_segment, by_component).
    "detail.stock": {"en": "stock", "da": "Bestand"},
    "detail.flow": {"en": "flow", "da": "Afgang til"},
    "detail.savings": {"en": "savings", "da": "Besparelse"},
    "detail.investment": {"en": "investment", "da": "Investering"},
    "detail.enrolment": {"en": "enrolment", "da": "Deltagere (gennemsnit)"},
    "detail.capped_months": {"en": "capped_months", "da": "Måneder med loft på deltagere"},
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


# Outputs per segment and component (Result.by_segment, by_component): the
# frames are built in English and shown in a language here.
DETAIL_COLUMNS = {
    "en": {
        "segment": "segment",
        "component": "component",
        "output": "output",
        "arm": "arm",
        "year": "year",
        "mean": "mean",
    },
    "da": {
        "segment": "segment",
        "component": "komponent",
        "output": "størrelse",
        "arm": "gren",
        "year": "år",
        "mean": "middel",
    },
}


def detail_in_language(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """An English frame of outputs per segment or component as ``lang`` shows it:
    the headers, the outputs' names (:func:`detail_output_label`) and the arms."""
    if lang == "en":
        return frame
    en, shown = DETAIL_COLUMNS["en"], DETAIL_COLUMNS[lang]
    out = frame.copy()
    out[en["output"]] = [detail_output_label(o, lang) for o in frame[en["output"]]]
    out[en["arm"]] = [label(a, lang) if a else "" for a in frame[en["arm"]]]
    return out.rename(columns={en[k]: shown[k] for k in en})


def detail_output_label(output: str, lang: str) -> str:
    """An output per segment or component as the frame shows it: its name in
    English (``stock.job``), words in Danish (``Bestand: job``)."""
    if lang == "en":
        return output
    kind, _, state = output.partition(".")
    if state:
        sep = " " if kind == "flow" else ": "  # "Afgang til job", "Bestand: job"
        shown = label(state, lang)
        # The model's states in lower case inside a phrase; a scenario's own names as written.
        shown = shown.lower() if shown != state else state
        return f"{label(f'detail.{kind}', lang)}{sep}{shown}"
    return label(f"detail.{output}", lang)
