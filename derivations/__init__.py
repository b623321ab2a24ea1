"""chainrule's derivation engine: the matrix chain rule of backprop, derived and verified.

Pure sympy and numpy; importing this package never imports Manim.

>>> from derivations import NetworkSpec, derive
>>> d = derive(NetworkSpec(layer_dims=(2, 2, 2), m=2, activation="tanh")).verify()
>>> d.check_candidate("dZ1", "W2.T @ dZ2 * gprime(Z1)").ok
True
"""

from __future__ import annotations

from .activations import ACTIVATIONS
from .certificates import ClaimCertificate, StepCertificate
from .derivation import Derivation, Formulas, StepReport, Verdict, VerificationError, derive
from .formula import FormulaError, ShapeError
from .spec import NetworkSpec
from .speech import spoken
from .steps import (
    Candidate,
    ChainFactor,
    ChainPath,
    EntryGrid,
    FactorRole,
    GridCell,
    Highlight,
    MatrixDisplay,
    NumberData,
    ShapeBadge,
    Stage,
    Step,
)
from .vocabulary import Role, StepId, StepKind, TexPart

__all__ = [
    "ACTIVATIONS",
    "Candidate",
    "ChainFactor",
    "ChainPath",
    "ClaimCertificate",
    "Derivation",
    "EntryGrid",
    "FactorRole",
    "FormulaError",
    "Formulas",
    "GridCell",
    "Highlight",
    "MatrixDisplay",
    "NetworkSpec",
    "NumberData",
    "Role",
    "ShapeBadge",
    "ShapeError",
    "Stage",
    "Step",
    "StepCertificate",
    "StepId",
    "StepKind",
    "StepReport",
    "TexPart",
    "Verdict",
    "VerificationError",
    "derive",
    "spoken",
]
