"""fit, fit_many, validate, drt and simulate: the arguments checked and converted, then handed to the engine."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence, Union

import numpy.typing as npt

from . import _eisfit
from ._arrays import complex_1d, complex_2d, real_1d, real_1d_or_2d
from ._frame import FitResults
from ._spectrum import Spectrum
from .errors import InputError

ArrayLike = npt.ArrayLike
Init = Union[Mapping[str, float], Sequence[float], None]
Bounds = Optional[Mapping[str, "tuple[float, float]"]]


def _plan(circuit, init, fix, bounds, weight, fmin, fmax, multistart, seed, drop_inductive, max_evaluations,
          canonical_order):
    if circuit is None:
        raise InputError("a circuit is needed, e.g. circuit='R0-p(R1,CPE1)'")
    if not isinstance(circuit, str):
        raise InputError(f"circuit must be a string such as 'R0-p(R1,CPE1)', got {type(circuit).__name__}")
    if multistart is not None and (not isinstance(multistart, int) or multistart < 0):
        raise InputError(f"multistart must be a non-negative integer or None, got {multistart!r}")
    return _eisfit.FitPlan(circuit, init, fix, bounds, weight, fmin, fmax, multistart, seed, drop_inductive,
                           max_evaluations, canonical_order)


def _one(frequency_hz, z, spectrum, what):
    """(f, z, sigma, file, sweep) from arrays or a Spectrum, not both."""
    if isinstance(frequency_hz, Spectrum) and z is None and spectrum is None:
        spectrum, frequency_hz = frequency_hz, None
    if spectrum is not None:
        if frequency_hz is not None or z is not None:
            raise InputError(f"{what}: give either frequency_hz and z, or spectrum=, not both")
        if not isinstance(spectrum, Spectrum):
            raise InputError(f"{what}: spectrum must be an eisfit.Spectrum, got {type(spectrum).__name__}")
        file, sweep = spectrum._source()
        return spectrum.frequency_hz, spectrum.z, spectrum.sigma, file, sweep
    if frequency_hz is None or z is None:
        raise InputError(f"{what}: give frequency_hz and z (or spectrum=)")
    return real_1d("frequency_hz", frequency_hz), complex_1d("z", z), None, None, None


def fit(frequency_hz: Optional[ArrayLike] = None, z: Optional[ArrayLike] = None, circuit: Optional[str] = None, *,
        spectrum: Optional[Spectrum] = None, init: Init = None, fix: Optional[Mapping[str, float]] = None,
        bounds: Bounds = None, weight: str = "modulus", fmin: Optional[float] = None, fmax: Optional[float] = None,
        multistart: Optional[int] = None, seed: int = 0, drop_inductive: bool = False, max_evaluations: int = 4000,
        canonical_order: bool = True, sigma: Optional[ArrayLike] = None) -> _eisfit.FitResult:
    """Fits ``circuit`` to one spectrum, as ``eisfit fit``, and returns a :class:`FitResult`.

    Parameters
    ----------
    frequency_hz, z : array-like
        Frequencies in Hz (real) and impedances in Ω (complex, true sign of the imaginary part). Or pass
        ``spectrum=`` (a :class:`Spectrum`, e.g. from :func:`read`) instead; ``fit(spectrum, circuit=...)``
        works too.
    circuit : str
        impedance.py notation (``"R0-p(R1,CPE1)-W1"``) or Boukamp's CDC (``"R(RQ)W"``).
    init : dict or sequence, optional
        Start values by name (``{"R1": 100}``; the others are found automatically) or all of them in the
        circuit's order. Without it every start value is found automatically.
    fix : dict, optional
        Parameters held fixed, by name.
    bounds : dict, optional
        ``{name: (lower, upper)}``; ``float("inf")`` for an open side. Defaults: R, C, Q > 0, exponents in (0, 1].
    weight : {"modulus", "unit", "proportional", "sigma"}
        Residual weighting (``"sigma"`` needs ``sigma=`` or a spectrum with σ).
    fmin, fmax : float, optional
        Fit only this frequency window, Hz.
    multistart : int, optional
        Always run this many random starts besides the first (default: up to 8, only when the first fit is
        doubtful).
    seed, drop_inductive, max_evaluations, canonical_order
        As the options of ``eisfit fit`` (``--seed``, ``--drop-inductive``, ``--max-evaluations``,
        ``--no-canonical-order``).
    sigma : array-like, optional
        Complex per-point standard deviations, σ of Z′ + 1j·σ of Z″, for ``weight="sigma"``.

    Names are the contract's (``CPE1.n``) or impedance.py's (``CPE1_1``). Names and values are checked before
    anything runs; errors are :class:`eisfit.CircuitError`, :class:`eisfit.SpectrumError`,
    :class:`eisfit.FitError` or :class:`eisfit.InputError`, with the CLI's messages. A fit that does not
    converge is returned with ``converged == False``.

    >>> import numpy as np, eisfit
    >>> f = np.logspace(5, -1, 50)
    >>> z = eisfit.simulate("R0-p(R1,C1)", [10.0, 100.0, 1e-6], f)
    >>> r = eisfit.fit(f, z, "R0-p(R1,C1)")
    >>> r.converged, round(r.parameters["R1"], 6)
    (True, 100.0)
    """
    if isinstance(frequency_hz, Spectrum) and isinstance(z, str) and circuit is None:
        frequency_hz, z, circuit, spectrum = None, None, z, frequency_hz
    f, zz, sig, file, sweep = _one(frequency_hz, z, spectrum, "fit")
    if sigma is not None:
        sig = complex_1d("sigma", sigma)
    plan = _plan(circuit, init, fix, bounds, weight, fmin, fmax, multistart, seed, drop_inductive,
                 max_evaluations, canonical_order)
    return _eisfit.fit(plan, f, zz, sig, file, sweep)


def fit_many(frequency_hz: Any = None, z: Any = None, circuit: Optional[str] = None, *,
             spectra: Optional[Sequence[Spectrum]] = None, init: Init = None,
             fix: Optional[Mapping[str, float]] = None, bounds: Bounds = None, weight: str = "modulus",
             fmin: Optional[float] = None, fmax: Optional[float] = None, multistart: Optional[int] = None,
             seed: int = 0, drop_inductive: bool = False, max_evaluations: int = 4000, canonical_order: bool = True,
             keep_going: bool = False) -> FitResults:
    """Fits ``circuit`` to many spectra in parallel on every core, without the GIL, and returns a
    :class:`FitResults` (a list of :class:`FitResult` in input order, with ``to_dataframe()``).

    The spectra are either the rows of a 2-D complex array ``z`` with ``frequency_hz`` 1-D (shared by every row)
    or 2-D (the shape of ``z``), or ``spectra=``, a list of :class:`Spectrum` (of any lengths;
    ``fit_many(spectra, circuit=...)`` works too). The options are those of :func:`fit`.

    A spectrum that cannot be fitted (NaN, too few points in the window, ...) raises its exception, naming its
    index in the batch; with ``keep_going=True`` its place in the list holds None instead.

    >>> import numpy as np, eisfit
    >>> f = np.logspace(5, -1, 40)
    >>> z = np.array([eisfit.simulate("R0-p(R1,C1)", [10.0, r1, 1e-6], f) for r1 in (50.0, 100.0, 200.0)])
    >>> [round(r.parameters["R1"], 6) for r in eisfit.fit_many(f, z, "R0-p(R1,C1)")]
    [50.0, 100.0, 200.0]
    """
    if isinstance(frequency_hz, (list, tuple)) and frequency_hz and all(isinstance(s, Spectrum) for s in frequency_hz):
        if spectra is not None:
            raise InputError("fit_many: give the spectra once, positionally or as spectra=")
        if isinstance(z, str) and circuit is None:
            circuit, z = z, None
        spectra, frequency_hz = list(frequency_hz), None
    plan = _plan(circuit, init, fix, bounds, weight, fmin, fmax, multistart, seed, drop_inductive,
                 max_evaluations, canonical_order)
    if spectra is not None:
        if frequency_hz is not None or z is not None:
            raise InputError("fit_many: give either frequency_hz and z, or spectra=, not both")
        items = []
        for k, s in enumerate(spectra):
            if not isinstance(s, Spectrum):
                raise InputError(f"fit_many: spectra[{k}] must be an eisfit.Spectrum, got {type(s).__name__}")
            items.append((s.frequency_hz, s.z, s.sigma) + s._source())
        return FitResults(_eisfit.fit_list(plan, items, keep_going))
    if frequency_hz is None or z is None:
        raise InputError("fit_many: give frequency_hz and a 2-D z (or spectra=)")
    zz = complex_2d("z", z)
    f = real_1d_or_2d("frequency_hz", frequency_hz)
    return FitResults(_eisfit.fit_many(plan, f, zz, keep_going))


def validate(frequency_hz: Optional[ArrayLike] = None, z: Optional[ArrayLike] = None, *,
             spectrum: Optional[Spectrum] = None, fmin: Optional[float] = None, fmax: Optional[float] = None,
             n_rc: Optional[int] = None, immittance: Optional[str] = None) -> _eisfit.KkResult:
    """The linear Kramers–Kronig test of one spectrum, as ``eisfit validate``: a :class:`KkResult` with
    ``.valid``, ``.n_rc``, ``.mu``, ``.pseudo_chi2``, the residuals, and ``.to_dict()``.

    ``n_rc`` fixes the number of RC elements (default: chosen automatically); ``immittance`` is ``"impedance"`` or
    ``"admittance"`` (default: both, keeping the better).
    """
    f, zz, _, file, sweep = _one(frequency_hz, z, spectrum, "validate")
    return _eisfit.validate(f, zz, fmin, fmax, n_rc, immittance, file, sweep)


def drt(frequency_hz: Optional[ArrayLike] = None, z: Optional[ArrayLike] = None, *,
        spectrum: Optional[Spectrum] = None, lam: Union[str, float] = "auto", fmin: Optional[float] = None,
        fmax: Optional[float] = None) -> _eisfit.DrtResult:
    """The distribution of relaxation times of one spectrum, as ``eisfit drt``: a :class:`DrtResult` with
    ``.tau_s``, ``.gamma_ohm``, ``.peaks``, ``.r_inf_ohm``, ``.r_pol_ohm`` and ``.to_dict()``.

    ``lam`` is the regularisation, ``"auto"`` (modified GCV) or a positive number relative to the problem's
    scale (``--lambda``).
    """
    f, zz, _, file, sweep = _one(frequency_hz, z, spectrum, "drt")
    if isinstance(lam, str):
        if lam.strip().lower() != "auto":
            raise InputError(f"lam must be 'auto' or a positive number, got {lam!r}")
        lam = None
    return _eisfit.drt(f, zz, lam, fmin, fmax, file, sweep)


def identify(*args: Any, **kwargs: Any) -> Any:
    """Ranks candidate circuits for a spectrum, as ``eisfit identify`` (not in this build yet).

    The engine's ``identify`` is being added to the library; when the extension module provides
    ``_eisfit.identify``, this function hands its arguments to it.
    """
    impl = getattr(_eisfit, "identify", None)
    if impl is None:
        raise NotImplementedError(
            "eisfit.identify is not available in this build: it arrives with the `eisfit identify` subcommand"
        )
    return impl(*args, **kwargs)


def simulate(circuit: str, parameters: Union[Mapping[str, float], Sequence[float]],
             frequency_hz: ArrayLike) -> npt.NDArray[Any]:
    """The impedance (complex, Ω) of ``circuit`` with ``parameters`` (a sequence in the circuit's order, or a
    dict naming every parameter) at ``frequency_hz``.

    >>> import eisfit
    >>> z = eisfit.simulate("R0-p(R1,C1)", {"R0": 10, "R1": 100, "C1": 1e-6}, [1e9, 1e-3])
    >>> round(float(z[0].real), 6), round(float(z[1].real), 3)
    (10.0, 110.0)
    """
    return _eisfit.simulate(circuit, parameters, real_1d("frequency_hz", frequency_hz))


def parameter_names(circuit: str) -> list[str]:
    """The parameter names of ``circuit``, in its order (``["R0", "R1", "CPE1.Q", "CPE1.n"]``)."""
    return [p[0] for p in _eisfit.parameter_names(circuit)]
