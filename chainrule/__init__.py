"""chainrule: a verified derivation of the matrix chain rule for backprop, rendered with Manim."""

__version__ = "0.1.0"
