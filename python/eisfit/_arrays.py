"""Checks and conversions of array arguments: the right dtype, shape and layout, or an InputError saying which."""

import numpy as np

from .errors import InputError


def real_1d(name, x):
    """``x`` as a contiguous 1-D float64 array; integers are accepted, anything else is an error."""
    a = np.asarray(x)
    if a.dtype.kind not in "iuf":
        raise InputError(f"{name} must be an array of real numbers, got dtype {a.dtype}")
    if a.ndim != 1:
        raise InputError(f"{name} must be a 1-D array, got shape {a.shape}")
    return np.ascontiguousarray(a, dtype=np.float64)


def complex_1d(name, x, allow_real=False):
    """``x`` as a contiguous 1-D complex128 array. A real array is an error unless ``allow_real``: an impedance
    without its imaginary part is almost always a mistake (pass ``z_real + 1j * z_imag``)."""
    a = np.asarray(x)
    if a.dtype.kind != "c" and not (allow_real and a.dtype.kind in "iuf"):
        hint = " (build it as z_real + 1j * z_imag)" if a.dtype.kind in "iuf" else ""
        raise InputError(f"{name} must be an array of complex numbers{hint}, got dtype {a.dtype}")
    if a.ndim != 1:
        raise InputError(f"{name} must be a 1-D array, got shape {a.shape}")
    return np.ascontiguousarray(a, dtype=np.complex128)


def complex_2d(name, x):
    """``x`` as a contiguous 2-D complex128 array, one spectrum per row."""
    a = np.asarray(x)
    if a.dtype.kind != "c":
        hint = " (build it as z_real + 1j * z_imag)" if a.dtype.kind in "iuf" else ""
        raise InputError(f"{name} must be an array of complex numbers{hint}, got dtype {a.dtype}")
    if a.ndim != 2:
        raise InputError(
            f"{name} must be a 2-D array with one spectrum per row, got {a.ndim} dimension(s), shape {a.shape} "
            "(for one spectrum use eisfit.fit, or z[None, :] for a batch of one)"
        )
    return np.ascontiguousarray(a, dtype=np.complex128)


def real_1d_or_2d(name, x):
    """``x`` as a contiguous float64 array of 1 or 2 dimensions."""
    a = np.asarray(x)
    if a.dtype.kind not in "iuf":
        raise InputError(f"{name} must be an array of real numbers, got dtype {a.dtype}")
    if a.ndim not in (1, 2):
        raise InputError(f"{name} must be a 1-D or 2-D array, got shape {a.shape}")
    return np.ascontiguousarray(a, dtype=np.float64)
