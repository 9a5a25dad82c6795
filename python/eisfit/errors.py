"""The exceptions of eisfit. Every one is an :class:`EisfitError`; most are also :class:`ValueError`, so code
written for other libraries' errors keeps working.

The messages are the library's (and the command line's): they name the parameter, the point, the file and line,
and what was expected.
"""


class EisfitError(Exception):
    """Base class of every exception raised by eisfit."""


class InputError(EisfitError, ValueError):
    """An argument of the wrong type, shape or value (a 1-D array where a 2-D one is needed, a real array for a
    complex impedance, an unknown weighting)."""


class CircuitError(InputError):
    """A circuit that cannot be parsed, or a parameter name that is not in it."""


class SpectrumError(InputError):
    """Points that do not make a spectrum: mismatched lengths, NaN or infinite values, frequencies ≤ 0, fewer
    than three points, a frequency window that leaves too few."""


class FitError(InputError):
    """A fit that cannot be run: start values outside their bounds, invalid bounds, too few points for the free
    parameters, sigma weighting without σ. (A fit that runs but does not converge is not an error: see
    ``FitResult.converged``.)"""


class ReadError(EisfitError, OSError):
    """A file that cannot be read or whose content is not a spectrum eisfit recognises."""


class ValidationError(InputError):
    """A Kramers–Kronig test that cannot be run."""


class DrtError(InputError):
    """A distribution of relaxation times that cannot be computed."""


__all__ = [
    "EisfitError",
    "InputError",
    "CircuitError",
    "SpectrumError",
    "FitError",
    "ReadError",
    "ValidationError",
    "DrtError",
]
