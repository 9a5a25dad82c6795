"""eisfit: fast, honest equivalent-circuit fitting of electrochemical impedance spectra.

The engine is the Rust crate ``eisfit``; this package gives it to Python with numpy arrays in and out. The
functions mirror the command line (``eisfit fit``, ``validate``, ``drt``) and their results' ``to_dict()`` are the
command's JSON objects.

>>> import eisfit
>>> spectra = eisfit.read("cell.mpt")                                          # doctest: +SKIP
>>> result = eisfit.fit(spectrum=spectra[0], circuit="R0-p(R1,CPE1)-W1")       # doctest: +SKIP
>>> result.parameters, result.stderr, result.converged                        # doctest: +SKIP

``eisfit.compat.CustomCircuit`` is a drop-in for impedance.py's class.
"""

from . import errors
from ._api import drt, fit, fit_many, identify, parameter_names, simulate, validate
from ._eisfit import DrtResult, FitResult, KkResult, __version__
from ._frame import FitResults, to_dataframe
from ._spectrum import Spectrum, read
from .errors import (
    CircuitError,
    DrtError,
    EisfitError,
    FitError,
    InputError,
    ReadError,
    SpectrumError,
    ValidationError,
)

__all__ = [
    "read",
    "fit",
    "fit_many",
    "validate",
    "drt",
    "identify",
    "simulate",
    "parameter_names",
    "to_dataframe",
    "Spectrum",
    "FitResult",
    "FitResults",
    "KkResult",
    "DrtResult",
    "errors",
    "__version__",
] + errors.__all__
