"""Command line: ``python -m indsats run scenario.toml [options]`` prints the table.

A user error (a bad option, a missing or invalid file, an output that cannot
be written, a closed pipe) is one line ``error: …`` on standard error and exit
code 2; Ctrl-C is exit code 130. Nothing is written half.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from ._files import PLOT_FORMATS, TABLE_FORMATS, suffix_format

if TYPE_CHECKING:
    from .result import Result

USER_ERROR = 2
INTERRUPTED = 130


class UserError(Exception):
    """A mistake in the command line: reported in one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UserError(message)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m indsats", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="simulate a scenario and print its business-case table")
    run.add_argument("scenario", type=Path, help="scenario file (TOML or JSON)")
    run.add_argument("--draws", type=int, default=10_000, help="Monte Carlo draws (10000)")
    run.add_argument("--seed", type=int, default=0, help="seed (0)")
    run.add_argument("--mode", choices=("stochastic", "mean_field"), default="stochastic")
    run.add_argument("--threads", type=int, default=None, help="worker threads (all cores)")
    run.add_argument("--lang", choices=("en", "da"), default="en")
    run.add_argument("--unit", choices=("mio", "tkr", "kr"), default="mio")
    run.add_argument(
        "--interval", type=float, default=90.0, help="width of the interval in percent (90)"
    )
    run.add_argument(
        "--out",
        help="also write the table: .csv (Danish convention with --lang da), .xlsx "
        "(the full workbook), or - for CSV on standard output",
    )
    run.add_argument(
        "--format", choices=TABLE_FORMATS, help="format of --out (default: its suffix)"
    )
    run.add_argument("--plot", type=Path, help="also write a fan chart of net per year")
    run.add_argument(
        "--plot-format", choices=PLOT_FORMATS, help="format of --plot (default: its suffix)"
    )
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def _output_format(
    path: str | os.PathLike[str], given: str | None, formats: Sequence[str], option: str
) -> str:
    """The format of an output: the explicit option, else the file's suffix."""
    if given is not None:
        return given
    fmt = suffix_format(path)
    if fmt not in formats:
        wanted = ", ".join(f".{f}" for f in formats)
        raise UserError(
            f"{option} {os.fspath(path)}: the name should end in {wanted} "
            f"(or give --{'plot-' if option == '--plot' else ''}format)"
        )
    return fmt


def _same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def _check_distinct(
    scenario: str | os.PathLike[str], outputs: list[tuple[str, str | os.PathLike[str] | None]]
) -> None:
    """Outputs never overwrite the scenario file or each other."""
    given = [(option, path) for option, path in outputs if path is not None]
    for option, path in given:
        if _same_file(path, scenario):
            raise UserError(f"{option} {os.fspath(path)}: that is the scenario file")
    for i, (option, path) in enumerate(given):
        for other, other_path in given[i + 1 :]:
            if _same_file(path, other_path):
                raise UserError(f"{option} and {other} name the same file {os.fspath(path)}")


def _status(message: str) -> None:
    print(message, file=sys.stderr)


def _run(args: argparse.Namespace) -> int:
    from ._simulate import as_scenario, simulate

    if not 0 < args.interval < 100:
        raise UserError("--interval must lie between 0 and 100")
    to_stdout = args.out == "-"
    out_format = None
    if args.out is not None:
        if to_stdout:
            out_format = args.format or "csv"
            if out_format != "csv":
                raise UserError("--out -: only CSV can go to standard output")
        else:
            out_format = _output_format(args.out, args.format, TABLE_FORMATS, "--out")
    plot_format = None
    if args.plot is not None:
        plot_format = _output_format(args.plot, args.plot_format, PLOT_FORMATS, "--plot")
    _check_distinct(
        args.scenario, [("--out", None if to_stdout else args.out), ("--plot", args.plot)]
    )
    lo = (100 - args.interval) / 2
    sc = as_scenario(args.scenario)
    res = simulate(
        sc,
        args.draws,
        seed=args.seed,
        mode=args.mode,
        threads=args.threads,
        progress=not args.quiet and sys.stderr.isatty(),
    )
    res.check_finite("nothing is shown or written")
    table = res.table(percentiles=(lo, 100 - lo), lang=args.lang, unit=args.unit)
    if out_format == "xlsx":
        res.to_excel(args.out, lang=args.lang, unit=args.unit, percentiles=(lo, 100 - lo))
        _status(f"workbook written to {args.out}")
    elif to_stdout:
        from ._files import csv_text

        csv_text(table, sys.stdout)
    elif out_format == "csv":
        from ._files import write_csv

        write_csv(table, args.out)
        _status(f"table written to {args.out}")
    if args.plot is not None:
        _write_plot(res, args, (lo, 25, 75, 100 - lo), plot_format or "png")
    if not to_stdout:
        summary = res.summary(percentiles=(lo, 50, 100 - lo), lang=args.lang, unit=args.unit)
        print(_headline(sc.name, res.n_draws, res.mode, res.seed, args.lang))
        print(table)
        print()
        print(summary)
    sys.stdout.flush()
    return 0


def _headline(name: str, draws: int, mode: str, seed: int, lang: str) -> str:
    from ._format import number, printable
    from ._labels import label

    n = number(draws, 0, lang)
    name = printable(name)  # no terminal control sequences from a scenario
    shown = label(f"mode.{mode}", lang)
    if lang == "da":
        return f"{name}: {n} trækninger, metode {shown}, seed {seed}"
    return f"{name}: {n} draws, mode {shown}, seed {seed}"


def _write_plot(res: Result, args: argparse.Namespace, ps: tuple[float, ...], fmt: str) -> None:
    from matplotlib.figure import Figure

    from ._files import save_figure

    fig = Figure(figsize=(8, 4.5), layout="constrained")
    ax = fig.subplots()
    res.plot("net", ax=ax, lang=args.lang, unit=args.unit, percentiles=sorted(set(ps)))
    save_figure(fig, args.plot, fmt)
    _status(f"fan chart written to {args.plot}")


def _silence_stdout() -> None:
    """After a closed pipe, send what is left to /dev/null so exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real file behind stdout
        pass


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        return _run(args)
    except KeyboardInterrupt:
        _status("error: interrupted")
        return INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        _status("error: the output was closed before everything was written (broken pipe)")
        return USER_ERROR
    except (UserError, ValueError, TypeError, OSError, ImportError, MemoryError) as e:
        _status(f"error: {_one_line(e)}")
        return USER_ERROR


def _one_line(e: BaseException) -> str:
    text = str(e) or type(e).__name__
    return " ".join(text.split())


if __name__ == "__main__":
    sys.exit(main())
