"""eisfit.compat.CustomCircuit against the numbers impedance.py's own tests assert (impedance/tests/
test_circuits.py and test_fitting.py at commit 0b302ca), on the same spectrum (tests/data/exampleData.csv)."""

import numpy as np
import pytest

from eisfit.compat import CustomCircuit, Randles


@pytest.fixture
def capacitive(example_data):
    """impedance.py's ignoreBelowX: the points with Im Z < 0."""
    f, z = example_data
    keep = z.imag < 0
    return f[keep], z[keep]


def test_randles_fit_and_predict(capacitive):
    # impedance.py's Randles(CPE=False) is R0-p(R1-Wo1,C1).
    circuit = CustomCircuit("R0-p(R1-Wo1,C1)", initial_guess=[.01, .005, .01, 200, .1])
    circuit.fit(*capacitive)
    expected = [1.86235717e-02, 1.16804085e-02, 6.27121224e-02, 2.21232935e+02, 1.17171440e+00]
    np.testing.assert_allclose(circuit.parameters_, expected, rtol=1e-2)
    assert np.isclose(circuit.predict(np.array([10.0]))[0], complex(0.0251618, -0.00601304))


def test_randles_class(capacitive):
    circuit = Randles(initial_guess=[.01, .005, .01, 200, .1]).fit(*capacitive)
    assert np.isclose(circuit.predict(np.array([10.0]))[0], complex(0.0251618, -0.00601304))
    with_cpe = Randles(initial_guess=[.01, .05, .01, 200, .1, 0.9], CPE=True).fit(*capacitive)
    assert with_cpe.result_.converged
    # a CPE with n free fits at least as well as the capacitor (n = 1) it contains
    assert with_cpe.result_.chi2 <= circuit.result_.chi2 * (1 + 1e-9)
    with pytest.raises(ValueError):
        Randles([.01, 200])


def test_names_units_and_prediction_from_the_initial_guess():
    guess = [.01, .005, .1, .005, .1, .001, 200]
    circuit = CustomCircuit(initial_guess=guess, circuit="R0-p(R1,C1)-p(R2,C2)-Wo1")
    names, units = circuit.get_param_names()
    assert names == ["R0", "R1", "C1", "R2", "C2", "Wo1_0", "Wo1_1"]
    assert units == ["Ohm", "Ohm", "F", "Ohm", "F", "Ohm", "sec"]
    assert not circuit._is_fit()
    assert np.isclose(circuit.predict(np.array([1e9]))[0].real, guess[0])
    with pytest.raises(TypeError):
        circuit.predict([0.42, 42 + 42j])


def test_str_before_and_after_fitting(example_data):
    circuit = CustomCircuit(initial_guess=[.01, .005, .1], circuit="R0-p(R1,C1)")
    assert str(circuit) == (
        "\nCircuit string: R0-p(R1,C1)\nFit: False\n\nInitial guesses:\n"
        "     R0 = 1.00e-02 [Ohm]\n     R1 = 5.00e-03 [Ohm]\n     C1 = 1.00e-01 [F]\n"
    )
    circuit.fit(*example_data)
    assert circuit._is_fit()
    assert "Fit parameters:" in str(circuit)


def test_constants_and_underscored_labels():
    circuit = CustomCircuit(initial_guess=[.005, .1, .001], constants={"R_0": 0.02, "Wo_1_1": 200},
                            circuit="R_0-p(R_1,C_1)-Wo_1", name="Test")
    assert str(circuit) == (
        "\nName: Test\nCircuit string: R_0-p(R_1,C_1)-Wo_1\nFit: False\n\nConstants:\n"
        "    R_0 = 2.00e-02 [Ohm]\n  Wo_1_1 = 2.00e+02 [sec]\n\nInitial guesses:\n"
        "    R_1 = 5.00e-03 [Ohm]\n    C_1 = 1.00e-01 [F]\n  Wo_1_0 = 1.00e-03 [Ohm]\n"
    )


def test_constants_are_held_and_left_out_of_the_parameters(capacitive):
    circuit = CustomCircuit("R0-p(R1-Wo1,C1)", initial_guess=[.005, .01, 200, .1], constants={"R0": 0.0186})
    circuit.fit(*capacitive)
    assert len(circuit.parameters_) == 4 and len(circuit.conf_) == 4
    assert circuit.result_.parameters["R0"] == pytest.approx(0.0186, rel=1e-15)


def test_errors_as_in_impedance_py(example_data):
    f, z = example_data
    with pytest.raises(TypeError):
        CustomCircuit(initial_guess=["hi", 0.1], circuit="R0-R1")
    with pytest.raises(ValueError):  # wrong number of initial guesses
        CustomCircuit(initial_guess=[.01, .005, .1, .005, .1, .001, 200], circuit="R0-p(R1,CPE1)-p(R1,C1)-Wo1")
    with pytest.raises(ValueError):  # no circuit and no initial guess
        CustomCircuit().fit(f, z)
    with pytest.raises(ValueError):  # unknown element
        CustomCircuit("R0-NotAnElement", initial_guess=[1, 2])
    with pytest.raises(TypeError):  # complex frequencies
        CustomCircuit("R0", initial_guess=[1]).fit(np.array([42 + 42j]), [])
    with pytest.raises(TypeError):  # mismatched lengths
        CustomCircuit("R0", initial_guess=[1]).fit(np.array([42, 4.2]), np.array([42 + 42j]))


def test_single_resistor_and_spaces():
    circuit = CustomCircuit(initial_guess=[1], circuit="R0")
    circuit.fit([1, 2, 3], [4, 4, 4])
    assert circuit.parameters_[0] == pytest.approx(4.0, rel=1e-12)
    spaced = CustomCircuit("R0-p(R1, C1)", initial_guess=[1, 2, 3])
    assert spaced.get_param_names()[0] == ["R0", "R1", "C1"]


# test_fitting.py: circuit_fit on the getting-started circuit, from impedance.py's initial guess.
GS_CIRCUIT = "R0-p(R1,C1)-p(R2-Wo1,C2)"
GS_GUESS = [.01, .01, 100, .01, .05, 100, 1]
GS_LOCAL = [1.65e-2, 8.68e-3, 3.32, 5.39e-3, 6.31e-2, 2.33e2, 2.20e-1]


def held_at(capacitive, guess, name, value):
    """χ² of the best fit with one parameter held at `value` (the others from `guess`, in order)."""
    free = [g for i, g in enumerate(guess) if i != 5]
    return CustomCircuit(GS_CIRCUIT, initial_guess=free, constants={name: value}).fit(*capacitive).result_.chi2


def agrees(circuit, expected, rtol, capacitive, guess):
    """Every parameter as impedance.py's within `rtol`, except the diffusion time constant Wo1_1, which the data
    barely determine: there impedance.py's value must lie within one standard error of ours, and holding it at
    impedance.py's value must not give a lower χ² than ours (ours is the better optimum, not another one)."""
    others = [i for i in range(7) if i != 5]
    np.testing.assert_allclose(circuit.parameters_[others], np.asarray(expected)[others], rtol=rtol)
    assert abs(circuit.parameters_[5] - expected[5]) < circuit.conf_[5]
    assert circuit.result_.chi2 <= held_at(capacitive, guess, "Wo1_1", expected[5])


def test_local_fit(capacitive):
    circuit = CustomCircuit(GS_CIRCUIT, initial_guess=GS_GUESS).fit(*capacitive)
    agrees(circuit, GS_LOCAL, 1e-2, capacitive, GS_GUESS)


def test_local_fit_with_bounds(capacitive):
    bounds = [(0, 0, 0, 0, 0, 0, 0), (10, 1, 1e3, 1, 1, 1e4, 100)]
    expected = list(GS_LOCAL)
    expected[5] = 2.38e2
    circuit = CustomCircuit(GS_CIRCUIT, initial_guess=GS_GUESS).fit(*capacitive, bounds=bounds)
    np.testing.assert_allclose(circuit.parameters_, expected, rtol=1e-2)


@pytest.mark.parametrize("how", ["sigma", "weight_by_modulus"])
def test_local_fit_weighted_by_the_modulus(capacitive, how):
    f, z = capacitive
    expected = [1.64e-2, 9.06e-3, 3.06, 5.29e-3, 1.45e-1, 1.32e3, 2.02e-1]
    kwargs = {"sigma": np.hstack((np.abs(z), np.abs(z)))} if how == "sigma" else {"weight_by_modulus": True}
    circuit = CustomCircuit(GS_CIRCUIT, initial_guess=GS_GUESS).fit(f, z, **kwargs)
    np.testing.assert_allclose(circuit.parameters_, expected, rtol=1e-2)


def test_global_fit(capacitive):
    expected = [1.65e-2, 5.34e-3, 0.22, 9.15e-3, 1.31e-1, 1.10e3, 2.78]
    circuit = CustomCircuit(GS_CIRCUIT, initial_guess=GS_GUESS).fit(*capacitive, global_opt=True)
    agrees(circuit, expected, 1e-1, capacitive, expected)


def test_trivial_resistor_with_lists():
    circuit = CustomCircuit("R0", initial_guess=[10]).fit([10, 100, 1000], [10, 10, 10], global_opt=True)
    np.testing.assert_allclose(circuit.parameters_, [10], rtol=1e-1)


def test_initial_guess_may_be_omitted(capacitive):
    circuit = CustomCircuit(GS_CIRCUIT).fit(*capacitive)
    guided = CustomCircuit(GS_CIRCUIT, initial_guess=GS_GUESS).fit(*capacitive)
    # eisfit's own starts reach an optimum at least as good as impedance.py's guess
    assert circuit.result_.chi2 <= guided.result_.chi2 * (1 + 1e-6)
