"""A drop-in for impedance.py's ``CustomCircuit`` (``impedance.models.circuits.CustomCircuit``), on eisfit's engine.

    from eisfit.compat import CustomCircuit          # instead of: from impedance.models.circuits import ...
    circuit = CustomCircuit("R0-p(R1,CPE1)-Wo1", initial_guess=[.01, .01, 1e-3, .9, .05, 100])
    circuit.fit(f, Z)
    circuit.parameters_, circuit.conf_, circuit.predict(f)

What carries over: the circuit strings (``R0``, ``p(R1,C1)``, ``CPE1``, ``Wo1``, labels with underscores), the
parameter names (``CPE1_0``, ``Wo1_1``), ``initial_guess`` over the parameters that are not constants,
``constants``, ``fit(f, Z, bounds=(lower, upper), weight_by_modulus=False, global_opt=False, sigma=...)``,
``predict(f, use_initial=False)``, ``parameters_``, ``conf_``, ``get_param_names()`` and ``str()``; ``Randles``
as well. As in
impedance.py the residuals are unweighted unless ``weight_by_modulus=True`` or ``sigma`` is given, and a fit from an
initial guess is one local fit; ``global_opt=True`` runs eisfit's multi-start instead of basin hopping.

What is different: ``initial_guess`` may be omitted (eisfit then finds start values from the spectrum, and
searches further when the first fit is doubtful); ``plot``, ``save`` and ``load`` are not provided; the elements
are eisfit's (R, C, L, CPE, W, Wo, Ws, G, Gs, K, Zarc, La, HN, TLMQ), so impedance.py's ``T`` and user-defined
elements are not available. ``result_`` holds eisfit's full :class:`eisfit.FitResult` (statistics, warnings,
``to_dict()``).
"""

import warnings

import numpy as np

from . import _eisfit
from ._api import fit as _fit
from ._api import simulate as _simulate
from .errors import InputError

# eisfit's ASCII units where impedance.py writes them differently.
_UNITS = {"s": "sec", "S s^n": "Ohm^-1 sec^a"}


class CustomCircuit:
    """An equivalent circuit in impedance.py notation, fitted with eisfit.

    Parameters
    ----------
    circuit : str
        e.g. ``"R0-p(R1,C1)-p(R2-Wo1,C2)"``.
    initial_guess : sequence of float, optional
        Start values of every parameter that is not a constant, in the circuit's order. Without it, start values
        are found automatically.
    constants : dict, optional
        Parameters held fixed, by impedance.py name (``"R0"``, ``"Wo1_1"``) or eisfit name (``"Wo1.tau"``).
    name : str, optional
        A label shown by ``str()``.
    """

    def __init__(self, circuit="", initial_guess=None, constants=None, name=None, **kwargs):
        if kwargs:
            raise TypeError(f"unexpected keyword argument(s): {', '.join(sorted(kwargs))}")
        self.circuit = circuit.replace(" ", "")
        self.name = name
        self.constants = dict(constants or {})
        self.parameters_ = None
        self.conf_ = None
        self.result_ = None
        if initial_guess is None:
            self.initial_guess = None
        else:
            guess = list(initial_guess)
            for i, v in enumerate(guess):
                if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
                    raise TypeError(f"value {i} in initial_guess is not a number")
            self.initial_guess = [float(v) for v in guess]
        self._params = None
        if self.circuit:
            self._params = _eisfit.parameter_names(self.circuit)  # raises CircuitError (a ValueError)
            self._resolve_constants()
            if self.initial_guess is not None and len(self.initial_guess) != len(self._free):
                raise ValueError(
                    f"the number of initial guesses ({len(self.initial_guess)}) plus the number of constants "
                    f"({len(self.constants)}) must equal the number of parameters of {self.circuit} "
                    f"({len(self._params)})"
                )

    # --- names -------------------------------------------------------------------------------------------------

    def _resolve_constants(self):
        """impedance.py names of every parameter, the eisfit name of each constant, and the free parameters."""
        per_label = {}
        for _, label, _, _ in self._params:
            per_label[label] = per_label.get(label, 0) + 1
        self._impy_names = [
            label if per_label[label] == 1 else f"{label}_{idx}" for _, label, idx, _ in self._params
        ]
        self._eis_names = [p[0] for p in self._params]
        self._units = [_UNITS.get(p[3], p[3]) for p in self._params]
        lookup = {n: i for i, n in enumerate(self._impy_names)}
        lookup.update({n: i for i, n in enumerate(self._eis_names)})
        self._fixed = {}
        for key, value in self.constants.items():
            if key not in lookup:
                raise ValueError(f"constant {key!r} is not a parameter of {self.circuit}; its parameters are "
                                 f"{', '.join(self._impy_names)}")
            self._fixed[lookup[key]] = float(value)
        self._free = [i for i in range(len(self._params)) if i not in self._fixed]

    def get_param_names(self):
        """The names and units of the parameters that are not constants, as impedance.py gives them."""
        return [self._impy_names[i] for i in self._free], [self._units[i] for i in self._free]

    # --- fitting -----------------------------------------------------------------------------------------------

    def fit(self, frequencies, impedance, bounds=None, weight_by_modulus=False, **kwargs):
        """Fits the circuit to ``impedance`` (complex, Ω) at ``frequencies`` (Hz).

        ``bounds`` is ``(lower, upper)``, two sequences over the parameters that are not constants (as scipy's
        ``curve_fit``). Keyword arguments: ``global_opt`` (multi-start instead of one local fit), ``seed``,
        ``sigma`` (the 2N standard deviations of the real then the imaginary parts, as impedance.py passes to
        curve_fit), and eisfit's own ``multistart``, ``max_evaluations`` (or scipy's ``maxfev``); others are
        ignored with a warning. Returns ``self``.
        """
        if self._params is None:
            raise ValueError("no circuit given")
        f = np.asarray(frequencies)
        if f.dtype.kind == "c":
            raise TypeError("frequencies must be real numbers, not complex")
        if f.dtype.kind not in "iuf":
            raise TypeError(f"frequencies must be real numbers, got dtype {f.dtype}")
        z = np.asarray(impedance)
        if z.dtype.kind not in "iufc":
            raise TypeError(f"impedance must be numbers, got dtype {z.dtype}")
        if f.ndim != 1 or z.ndim != 1 or len(f) != len(z):
            raise TypeError("length of frequencies and impedance do not match")
        z = z.astype(np.complex128)

        global_opt = bool(kwargs.pop("global_opt", False))
        seed = int(kwargs.pop("seed", 0))
        sigma = kwargs.pop("sigma", None)
        multistart = kwargs.pop("multistart", None)
        max_evaluations = int(kwargs.pop("max_evaluations", kwargs.pop("maxfev", 4000)))
        if kwargs:
            warnings.warn(f"CustomCircuit.fit ignores {', '.join(sorted(kwargs))} (eisfit's fitter has no such "
                          "option)", stacklevel=2)

        names = self._eis_names
        init = None
        if self.initial_guess is not None:
            init = {names[i]: v for i, v in zip(self._free, self.initial_guess)}
        fix = {names[i]: v for i, v in self._fixed.items()}
        bound_dict = None
        if bounds is not None:
            lower, upper = bounds
            lower, upper = list(np.broadcast_to(lower, len(self._free))), list(np.broadcast_to(upper, len(self._free)))
            bound_dict = {names[i]: (float(lo), float(hi)) for i, lo, hi in zip(self._free, lower, upper)}
        weight = "modulus" if weight_by_modulus else "unit"
        sig = None
        if sigma is not None:
            s = np.asarray(sigma, dtype=np.float64)
            if s.shape != (2 * len(f),):
                raise ValueError(f"sigma must have 2N = {2 * len(f)} values (real parts, then imaginary), got "
                                 f"shape {s.shape}")
            sig = s[: len(f)] + 1j * s[len(f):]
            weight = "sigma"
        if multistart is None:
            if global_opt:
                multistart = 50
            elif init is not None:
                multistart = 0  # impedance.py's local fit: one start, the user's

        self.result_ = _fit(f, z, self.circuit, init=init, fix=fix or None, bounds=bound_dict, weight=weight,
                            multistart=multistart, seed=seed, max_evaluations=max_evaluations,
                            canonical_order=False, sigma=sig)
        values = self.result_.values
        stderr = self.result_.stderr_values
        self.parameters_ = np.array([values[i] for i in self._free])
        self.conf_ = np.array([stderr[i] for i in self._free])
        return self

    def _is_fit(self):
        return self.parameters_ is not None

    def predict(self, frequencies, use_initial=False):
        """The circuit's impedance at ``frequencies``: with the fitted parameters, or with the initial guess when
        it is not fitted yet or ``use_initial`` is true."""
        f = np.asarray(frequencies)
        if f.dtype.kind == "c":
            raise TypeError("frequencies must be real numbers, not complex")
        if self._is_fit() and not use_initial:
            free = self.parameters_
        elif self.initial_guess is not None:
            free = self.initial_guess
        else:
            raise ValueError("no initial guess supplied and the circuit is not fitted")
        values = np.empty(len(self._params))
        for i, v in zip(self._free, free):
            values[i] = v
        for i, v in self._fixed.items():
            values[i] = v
        return _simulate(self.circuit, values, np.atleast_1d(f).astype(np.float64))

    def __str__(self):
        out = "\n"
        if self.name is not None:
            out += f"Name: {self.name}\n"
        out += f"Circuit string: {self.circuit}\n"
        out += f"Fit: {self._is_fit()}\n"
        if self.constants:
            out += "\nConstants:\n"
            for key, value in self.constants.items():
                i = self._impy_names.index(key) if key in self._impy_names else self._eis_names.index(key)
                out += f"  {key:>5} = {value:.2e} [{self._units[i]}]\n"
        names, units = self.get_param_names()
        if self.initial_guess is not None:
            out += "\nInitial guesses:\n"
            for n, u, v in zip(names, units, self.initial_guess):
                out += f"  {n:>5} = {v:.2e} [{u}]\n"
        if self._is_fit():
            out += "\nFit parameters:\n"
            for n, u, v, c in zip(names, units, self.parameters_, self.conf_):
                out += f"  {n:>5} = {v:.2e}  (+/- {c:.2e}) [{u}]\n"
        return out

    def __repr__(self):
        return f"CustomCircuit({self.circuit!r}, fit={self._is_fit()})"


class Randles(CustomCircuit):
    """impedance.py's Randles circuit, ``R0-p(R1-Wo1,C1)``, or ``R0-p(R1-Wo1,CPE1)`` with ``CPE=True``."""

    def __init__(self, initial_guess=None, CPE=False, constants=None, name=None):
        circuit = "R0-p(R1-Wo1,CPE1)" if CPE else "R0-p(R1-Wo1,C1)"
        super().__init__(circuit, initial_guess=initial_guess, constants=constants, name=name)


__all__ = ["CustomCircuit", "Randles", "InputError"]
