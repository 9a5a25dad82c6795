"""Batches of results and their tables: :class:`FitResults` and :func:`to_dataframe`."""

import math


def pandas():
    """The pandas module, or an ImportError that says how to get it."""
    try:
        import pandas as pd
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("to_dataframe needs pandas: pip install pandas") from e
    return pd


def _fit_row(r):
    if r is None:
        return {"converged": False, "error": "not fitted"}
    row = {
        "file": r.file,
        "sweep": r.sweep,
        "circuit": r.circuit,
        "converged": r.converged,
        "chi2": r.chi2,
        "reduced_chi2": r.reduced_chi2,
        "pseudo_chi2": r.pseudo_chi2,
        "aic": r.aic,
        "bic": r.bic,
        "n_points": r.n_points,
        "n_iterations": r.n_iterations,
    }
    stderr = r.stderr
    for name, value in r.parameters.items():
        row[name] = value
        e = stderr[name]
        row[f"{name}_stderr"] = math.nan if e is None else e
    row["adequate"] = r.adequate
    row["warnings"] = ";".join(r.warning_codes)
    return row


def to_dataframe(results):
    """A pandas DataFrame with one row per fit, in the columns of ``eisfit fit --output csv``: ``file``,
    ``sweep``, ``circuit``, ``converged``, the statistics, each parameter and its ``_stderr``, ``adequate`` and
    the warnings' codes. Failed fits (None, from ``keep_going=True``) are rows with ``converged`` False."""
    return pandas().DataFrame([_fit_row(r) for r in results])


class FitResults(list):
    """The results of :func:`eisfit.fit_many`: a list of :class:`FitResult` in input order, plus tables."""

    __slots__ = ()

    def to_dataframe(self):
        """One row per fit; see :func:`eisfit.to_dataframe`."""
        return to_dataframe(self)

    def to_dicts(self):
        """The JSON objects of ``eisfit fit --output json``, one per fit (None for a failed one)."""
        return [None if r is None else r.to_dict() for r in self]
