"""The :class:`Derivation`: an ordered, immutable sequence of verified steps for one network."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import sympy

from .activations import activation
from .certificates import StepCertificate, certify
from .claims import check_claim
from .formula import (
    FormulaError,
    GPrime,
    Node,
    ShapeError,
    children,
    evaluate,
    names_in,
    parse,
    shape_of,
    to_text,
)
from .formulas import formulas_with, gradient_names
from .network import Network, numpy_algebra, random_network, shapes
from .sequence_dz import dz_sequence
from .sequence_gradients import (
    bias_sequence,
    hidden_fold_step,
    output_sequence,
    recursion_step,
    weight_sequence,
)
from .sequence_network import with_network_steps
from .sequence_numbers import NUMBERS_SEED, numbers_sequence
from .sequence_plan import map_step, part_two_step
from .sequence_recap import recap_step
from .sequence_vector import vector_sequence
from .spec import NetworkSpec
from .steps import Step
from .vocabulary import StepId


class VerificationError(Exception):
    """A step whose claim does not hold. ``step_id`` names it, ``reason`` says why."""

    def __init__(self, step_id: StepId, claim: str, reason: str) -> None:
        super().__init__(f"step {step_id} fails: {claim}: {reason}")
        self.step_id, self.claim, self.reason = step_id, claim, reason


@dataclass(frozen=True)
class Verdict:
    """The judgement of a learner's candidate formula.

    ``kind`` is ``"correct"``, ``"shape"`` (the factors' shapes do not fit, or the result has
    the wrong shape) or ``"value"`` (shapes agree, an entry differs).
    """

    ok: bool
    kind: str
    reason: str


@dataclass(frozen=True)
class StepReport:
    """The outcome of checking one step: ``None`` as ``failure`` means every claim held."""

    step: Step
    failure: str | None


class Formulas(Mapping[str, Node]):
    """A read-only mapping from gradient names to their folded formulas.

    A derivation is cached and shared (by every scene of a render), so what it arrived at can
    be read but not replaced. Unlike ``types.MappingProxyType`` it can be pickled, so a
    derivation can travel to another process.

    >>> formulas = Formulas({"dZ2": parse("A2 - Y")})
    >>> formulas["dZ2"] = parse("Y")
    Traceback (most recent call last):
    ...
    TypeError: 'Formulas' object does not support item assignment
    """

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, Node]) -> None:
        self._items: dict[str, Node] = dict(items)

    def __getitem__(self, key: str) -> Node:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Formulas({{{', '.join(f'{k!r}: {to_text(v)!r}' for k, v in self.items())}}})"

    def __getstate__(self) -> dict[str, Node]:
        return self._items

    def __setstate__(self, state: dict[str, Node]) -> None:
        self._items = dict(state)


@dataclass(frozen=True)
class Derivation:
    """All steps for a :class:`NetworkSpec`, and the folded formulas they arrive at.

    >>> d = derive(NetworkSpec())
    >>> d.step("dZ1.fold").title
    'Fold back into matrices'
    >>> d.formula_text("dZ1")
    'W2.T @ dZ2 * gprime(Z1)'
    """

    spec: NetworkSpec
    steps: tuple[Step, ...]
    formulas: Mapping[str, Node] = field(repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.formulas, Formulas):
            object.__setattr__(self, "formulas", Formulas(self.formulas))

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def step(self, step_id: StepId | str) -> Step:
        """The step with id ``step_id`` (a :class:`StepId` or its text, ``"dZ1.fold"``)."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(
            f"no step {str(step_id)!r}; steps are: " + ", ".join(str(s.id) for s in self.steps)
        )

    def steps_for(self, target: str | StepId) -> tuple[Step, ...]:
        """The steps working towards ``target`` (``"dZ1"``, ``"dW2"``, ..., ``"general"``);
        given a :class:`StepId`, the steps working towards its target."""
        name = target.target if isinstance(target, StepId) else target
        return tuple(step for step in self.steps if step.target == name)

    def formula_text(self, target: str) -> str:
        """The folded formula for ``target`` in the candidate language."""
        return to_text(self.formulas[target])

    def check(self) -> Iterator[StepReport]:
        """Check every step in order, yielding one report per step (for progress display)."""
        for index, step in enumerate(self.steps):
            failure = None
            for claim in step.claims:
                reason = check_claim(claim, seed=index)
                if reason is not None:
                    failure = f"{claim.description}: {reason}"
                    break
            yield StepReport(step, failure)

    def certificates(self) -> tuple[StepCertificate, ...]:
        """For every step in order, how its claims were checked and what the checks found
        (:mod:`derivations.certificates`; the same seeds and points as :meth:`check`)."""
        return tuple(self._certificate(index, step) for index, step in enumerate(self.steps))

    def certificate(self, step_id: StepId | str) -> StepCertificate:
        """The certificate of the step ``step_id`` (see :meth:`certificates`)."""
        step = self.step(step_id)
        return self._certificate(self.steps.index(step), step)

    @staticmethod
    def _certificate(index: int, step: Step) -> StepCertificate:
        return StepCertificate(
            str(step.id), tuple(certify(claim, seed=index) for claim in step.claims)
        )

    def verify(self) -> Derivation:
        """Raise :class:`VerificationError` at the first step whose claims fail; return self."""
        for report in self.check():
            if report.failure is not None:
                claim, _, reason = report.failure.partition(": ")
                raise VerificationError(report.step.id, claim, reason)
        return self

    def evaluate(self, **arrays: np.ndarray) -> dict[str, np.ndarray]:
        """Gradients computed from the derived, folded formulas.

        Takes ``X``, ``Y``, ``W1 … WL`` and ``b1 … bL`` as arrays and returns ``dZl``, ``dWl``,
        ``dbl`` for every layer (``dZ`` for the summed loss, ``dW``/``db`` for the cost).
        """
        values = _checked_arrays(self.spec, arrays)
        values.update(_forward_numeric(self.spec, values))
        algebra = numpy_algebra(self.spec.m)
        grads: dict[str, np.ndarray] = {}
        for name in gradient_names(self.spec):
            grads[name] = np.asarray(
                evaluate(self.formulas[name], {**values, **grads}, algebra), dtype=float
            )
        return grads

    def check_candidate(self, target: str, text: str) -> Verdict:
        """Judge a learner's formula for ``target``, e.g. ``"W2 @ dZ2 * gprime(Z1)"``.

        Raises :class:`~derivations.formula.FormulaError` for unknown names or bad syntax.
        """
        table = shapes(self.spec)
        if target not in self.formulas:
            raise FormulaError(
                f"unknown gradient {target!r}: use one of " + ", ".join(self.formulas)
            )
        node = parse(text, {name: shape for name, shape in table.items() if name != "A0"})
        _check_names(self.spec, node)
        try:
            found = shape_of(node, table)
        except ShapeError as error:
            return Verdict(False, "shape", str(error))
        if found != table[target]:
            return Verdict(
                False,
                "shape",
                f"{to_text(node)} is ({found[0]}×{found[1]}) but "
                f"{target} must have the shape of {target[1:]}, "
                f"({table[target][0]}×{table[target][1]})",
            )
        return _compare_values(self, target, node)


def _check_names(spec: NetworkSpec, node: Node) -> None:
    if "Z" + str(spec.num_layers) in {f"Z{n.layer}" for n in _gprimes(node)}:
        raise FormulaError(
            f"gprime(Z{spec.num_layers}) does not exist: the output layer is a "
            "sigmoid, not the hidden activation g"
        )


def _gprimes(node: Node) -> list[GPrime]:
    found = [node] if isinstance(node, GPrime) else []
    for child in children(node):
        found += _gprimes(child)
    return found


def _compare_values(derivation: Derivation, target: str, node: Node) -> Verdict:
    """Numerically at two random networks; the first differing entry is then shown symbolically."""
    truth_node = derivation.formulas[target]
    for seed in (1, 2):
        arrays = random_network(derivation.spec, seed)
        values = {
            **arrays,
            **_forward_numeric(derivation.spec, arrays),
            **derivation.evaluate(**arrays),
        }
        algebra = numpy_algebra(derivation.spec.m)
        guess = np.asarray(evaluate(node, values, algebra), dtype=float)
        truth = values[target]
        wrong = ~np.isclose(guess, truth, rtol=1e-9, atol=1e-12)
        if wrong.any():
            r, c = (int(v) for v in np.argwhere(wrong)[0])
            return Verdict(
                False,
                "value",
                _difference_reason(derivation, node, truth_node, (r, c), guess, truth),
            )
    return Verdict(
        True,
        "correct",
        f"{to_text(node)} agrees with the derived {target} = {to_text(truth_node)} in every entry",
    )


def _difference_reason(
    derivation: Derivation,
    node: Node,
    truth_node: Node,
    at: tuple[int, int],
    guess: np.ndarray,
    truth: np.ndarray,
) -> str:
    r, c = at
    net = Network(derivation.spec)
    try:
        left = net.evaluate_symbolic(node, net.display_values)[r, c]
        right = net.evaluate_symbolic(truth_node, net.display_values)[r, c]
        if sympy.expand(left - right) != 0:
            return (
                f"shapes agree but entry ({r + 1}, {c + 1}) is {_plain(left)} where the "
                f"truth is {_plain(right)}"
            )
    except (ShapeError, KeyError):
        pass
    return (
        f"shapes agree but entry ({r + 1}, {c + 1}) is {guess[r, c]:.6g} where the truth is "
        f"{truth[r, c]:.6g} (on a random network)"
    )


def _plain(expr: sympy.Expr) -> str:
    return re.sub(r"gprime_\w+\(", "g'(", sympy.sstr(expr))


def _checked_arrays(spec: NetworkSpec, arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    table = shapes(spec)
    needed = ["X", "Y"] + [f"{p}{layer}" for layer in spec.layers for p in ("W", "b")]
    missing = [name for name in needed if name not in arrays]
    extra = [name for name in arrays if name not in needed]
    if missing or extra:
        raise ValueError(
            "evaluate needs exactly "
            + ", ".join(needed)
            + (f"; missing {', '.join(missing)}" if missing else "")
            + (f"; unexpected {', '.join(extra)}" if extra else "")
        )
    checked = {}
    for name in needed:
        value = np.asarray(arrays[name], dtype=float)
        if value.shape != table[name]:
            raise ValueError(f"{name} has shape {value.shape}; this network needs {table[name]}")
        checked[name] = value
    return checked


def _forward_numeric(spec: NetworkSpec, values: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    act = activation(spec.activation)
    out: dict[str, np.ndarray] = {"A0": values["X"]}
    for layer in spec.layers:
        z = values[f"W{layer}"] @ out[f"A{layer - 1}"] + values[f"b{layer}"]
        out[f"Z{layer}"] = z
        if layer == spec.num_layers:
            out[f"A{layer}"] = 1.0 / (1.0 + np.exp(-z))
        else:
            out[f"A{layer}"] = act.numeric(z)
            out[f"gprime{layer}"] = act.numeric_slope(z)
    return out


def derive(
    spec: NetworkSpec | None = None,
    formulas: Mapping[str, str] | None = None,
    numbers_seed: int = NUMBERS_SEED,
) -> Derivation:
    """Build every step for ``spec`` (default: ``NetworkSpec()``).

    ``formulas`` replaces folded formulas by target (candidate language), e.g.
    ``{"dZ1": "W2 @ dZ2 * gprime(Z1)"}``: the resulting derivation fails :meth:`verify` at that
    target's fold step. It exists to prove that the checks catch wrong steps.
    ``numbers_seed`` seeds the real numbers of the ``dZ1.numbers`` steps.
    """
    spec = spec or NetworkSpec()
    nodes = formulas_with(spec, formulas)
    net = Network(spec)
    last = spec.num_layers
    steps: list[Step] = list(dz_sequence(net, 1, nodes["dZ1"]))
    # issue 12: the network picture after the forward equations, and the gradient run
    # backwards along its edges just before dZ1.transpose (see sequence_network)
    steps = list(with_network_steps(net, steps))
    # -- the checks of the folded dZ1, in the lecture's order: its shapes (dz_sequence ends
    # with them), the same formula by the learner's route (the vector chain rule), then one
    # entry in real numbers; a wrong formula is still caught first at the fold step
    steps += [
        *vector_sequence(net, nodes["dZ1"]),
        *numbers_sequence(net, nodes["dZ1"], numbers_seed),
    ]
    # the lecture's map first, and the turn to the rest of the slide after dZ1's argument
    steps.insert(0, map_step(net))
    steps.append(part_two_step(net))
    steps += output_sequence(net, nodes[f"dZ{last}"])
    for layer in reversed(spec.layers):
        if 1 < layer < last:
            steps.append(hidden_fold_step(net, layer, nodes[f"dZ{layer}"]))
        steps += weight_sequence(net, layer, nodes[f"dW{layer}"], numbers_seed)
        steps += bias_sequence(net, layer, nodes[f"db{layer}"])
    if last > 2:
        steps.append(recursion_step(net, nodes))
    steps.append(recap_step(net, nodes))  # back to the question (issue 12): always the last
    return Derivation(spec, tuple(steps), Formulas(nodes))


__all__ = [
    "Derivation",
    "Formulas",
    "StepReport",
    "Verdict",
    "VerificationError",
    "derive",
    "names_in",
]
