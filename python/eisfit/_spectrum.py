"""Spectra: arrays of frequencies and complex impedances with where they came from, and :func:`read`."""

import os

from . import _eisfit
from ._arrays import complex_1d, real_1d
from .errors import SpectrumError


class Spectrum:
    """One impedance spectrum: ``frequency_hz`` (Hz) and ``z`` (complex, Ω, the imaginary part with its true
    sign, negative for a capacitive arc), optional per-point standard deviations ``sigma`` (σ of Z′ + 1j·σ of
    Z″), and what the file said (``metadata``, ``file``, ``sweep``, ``format``, ``notes``).

    >>> import numpy as np, eisfit
    >>> s = eisfit.Spectrum([1e3, 1e2, 1e1], np.array([10 - 1j, 12 - 3j, 15 - 2j]))
    >>> len(s), s.z.dtype
    (3, dtype('complex128'))
    """

    __slots__ = ("frequency_hz", "z", "sigma", "metadata", "file", "sweep", "format", "notes")

    def __init__(self, frequency_hz, z, *, sigma=None, metadata=None, file=None, sweep=None, format=None,
                 notes=()):
        self.frequency_hz = real_1d("frequency_hz", frequency_hz)
        self.z = complex_1d("z", z)
        if len(self.frequency_hz) != len(self.z):
            raise SpectrumError(
                f"length mismatch: {len(self.frequency_hz)} frequencies but {len(self.z)} impedance values"
            )
        self.sigma = None if sigma is None else complex_1d("sigma", sigma)
        self.metadata = dict(metadata or {})
        self.file = file
        self.sweep = sweep
        self.format = format
        self.notes = list(notes)

    def __len__(self):
        return len(self.frequency_hz)

    def __repr__(self):
        where = f", file={self.file!r}, sweep={self.sweep}" if self.file is not None else ""
        return f"Spectrum(n_points={len(self)}{where})"

    @property
    def z_real(self):
        """Z′ in Ω."""
        return self.z.real

    @property
    def z_imag(self):
        """Z″ in Ω, true sign."""
        return self.z.imag

    def to_dataframe(self):
        """The spectrum as a pandas DataFrame with the CLI's canonical columns ``frequency_hz``, ``z_real_ohm``,
        ``z_imag_ohm`` (needs pandas)."""
        from ._frame import pandas

        return pandas().DataFrame(
            {"frequency_hz": self.frequency_hz, "z_real_ohm": self.z.real, "z_imag_ohm": self.z.imag}
        )

    def _source(self):
        return (self.file, self.sweep) if self.file is not None else (None, None)


def read(path: "str | os.PathLike[str]", format: "str | None" = None) -> "list[Spectrum]":
    """Reads a potentiostat export (BioLogic, Gamry, ZPlot, Autolab, Ivium, PalmSens, Zahner, generic CSV, ...;
    the format is detected from the content unless ``format`` names one, as ``eisfit read --format``) and returns
    every sweep as a :class:`Spectrum`.

    Raises :class:`eisfit.ReadError` with the file, line and what was expected when it cannot.
    """
    path = os.fspath(path)
    return [
        Spectrum(
            d["frequency_hz"],
            d["z"],
            sigma=d["sigma"],
            metadata=d["metadata"],
            file=d["file"],
            sweep=d["sweep"],
            format=d["format"],
            notes=d["notes"],
        )
        for d in _eisfit.read(path, format)
    ]
