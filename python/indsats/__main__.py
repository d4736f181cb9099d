"""Command line: ``python -m indsats run scenario.toml [options]`` prints the table."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ._atomic import write_atomic
from ._simulate import MODES, as_scenario, simulate


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m indsats", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="simulate a scenario and print its business-case table")
    run.add_argument("scenario", type=Path, help="scenario file (TOML or JSON)")
    run.add_argument("--draws", type=int, default=10_000, help="Monte Carlo draws (10000)")
    run.add_argument("--seed", type=int, default=0, help="seed (0)")
    run.add_argument("--mode", choices=MODES, default="stochastic")
    run.add_argument("--threads", type=int, default=None, help="worker threads (all cores)")
    run.add_argument("--lang", choices=("en", "da"), default="en")
    run.add_argument("--unit", choices=("mio", "tkr", "kr"), default="mio")
    run.add_argument(
        "--interval", type=float, default=90.0, help="width of the interval in percent (90)"
    )
    run.add_argument("--out", type=Path, help="also write the table as CSV")
    run.add_argument("--plot", type=Path, help="also write a fan chart of net per year (PNG)")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not 0 < args.interval < 100:
        print("error: --interval must lie between 0 and 100", file=sys.stderr)
        return 2
    lo = (100 - args.interval) / 2
    try:
        sc = as_scenario(args.scenario)
        res = simulate(
            sc,
            args.draws,
            seed=args.seed,
            mode=args.mode,
            threads=args.threads,
            progress=not args.quiet,
        )
    except (ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    table = res.table(percentiles=(lo, 100 - lo), lang=args.lang, unit=args.unit)
    summary = res.summary(percentiles=(lo, 100 - lo), lang=args.lang, unit=args.unit)
    import pandas as pd

    with pd.option_context("display.width", 200, "display.max_columns", 50):
        print(f"{sc.name}: {res.n_draws:,} draws, mode {res.mode}, seed {res.seed}")
        print(table.round(1).to_string())
        print()
        print(summary.round(2).to_string())
    if args.out:
        write_atomic(args.out, lambda tmp: table.to_csv(tmp))
        print(f"table written to {args.out}")
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(8, 4.5))
        res.plot("net", ax=ax, lang=args.lang, unit=args.unit, percentiles=(lo, 25, 75, 100 - lo))
        write_atomic(args.plot, lambda tmp: fig.savefig(tmp, format="png", dpi=120))
        plt.close(fig)
        print(f"fan chart written to {args.plot.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
