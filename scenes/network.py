"""TheNetwork: the network itself, drawn from the spec, before any matrix.

:func:`network_picture` draws the units of every layer (labelled ``x_i``, ``a^{[l]}_i``) and
every edge; the edge from unit ``i`` of layer ``l-1`` to unit ``k`` of layer ``l`` is coloured
like ``W`` and may be labelled with ``w^{[l]}_{ki}``, the very TeX part the matrix ``W[l]`` shows
(the labels and the edges come from :mod:`derivations.sequence_network`, nothing is typed here).
Scenes label only the edges being discussed (a named edge, the edges leaving the unit the
gradient runs back to): twelve labels crowd the crossings. A label sits on or beside its edge,
at the first place along it where its box crosses no other edge, unit or label and its own edge
is the nearest (:func:`place_beside`), so its backing never cuts another edge. When every edge
cannot be labelled without labels colliding (a layer of 4 units, say), ``labels="auto"`` makes the
picture *compact*: only the edges leaving the highlighted unit are labelled.

:class:`NetworkSegment` plays step ``dZ1.network``: the units layer by layer, the edges, and one
edge singled out and labelled with its weight (it enters output unit 1 and leaves hidden unit
``i``).

Render with ``chainrule render TheNetwork -q l --no-voice``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np
from manim import (
    Animation,
    BackgroundRectangle,
    Circle,
    Create,
    FadeIn,
    Indicate,
    LaggedStart,
    Line,
    Mobject,
    Transform,
    VGroup,
    VMobject,
    Write,
)

from derivations.sequence_network import focus_unit, layer_edges, unit_parts, weight_part
from derivations.spec import NetworkSpec
from derivations.steps import TexPart
from derivations.vocabulary import StepId, StepKind
from scenes.equations import EquationTex
from scenes.layout import Box, stack_boxes
from scenes.segment import Segment, SegmentScene
from scenes.theme import Theme

#: The step this scene shows.
NETWORK = StepId("dZ1", StepKind.NETWORK)
#: Layout limits, in scene units: the widest gap between two layers, the widest spacing of
#: two units of a layer, and the empty ring around a unit's label.
MAX_LAYER_GAP, MAX_UNIT_GAP, UNIT_PAD = 3.6, 2.3, 0.12
#: Edge strokes: plain, and lit (the edges the argument is about).
EDGE_WIDTH, LIT_WIDTH, EDGE_OPACITY = 2.5, 6.0, 0.55
#: Where along its edge a label is tried, in order (0: the unit it leaves): the middle first,
#: then outwards in steps of 0.04 to 0.1 and 0.9.
BESIDE_POSITIONS = tuple(
    0.5 + sign * 0.04 * n for n in range(11) for sign in (1, -1)[: 1 + (n > 0)]
)
#: How much worse a label over a unit or another label is than one over an edge (where no
#: spot is clear, a label crosses edges rather than hide a unit's name).
HIDES = 10
#: The gap between an edge and the nearest corner of its label's backing, in scene units.
BESIDE_GAP = 0.06
#: The backing's margin around the label's glyphs.
BACKING_BUFF = 0.05

if TYPE_CHECKING:
    from manim.mobject.mobject import _AnimationBuilder

    #: What ``Scene.play`` takes: an animation, or a mobject's ``.animate`` chain (which Manim
    #: types as the builder or the mobject itself).
    Playable = Animation | _AnimationBuilder | Mobject

Key = tuple[int, int, int]
"""An edge as ``(layer, k, i)``: from unit ``i`` of ``layer - 1`` to unit ``k`` of ``layer``."""


class Unit(VGroup):
    """A unit of the network: its ``circle`` with its ``label`` (``x_i``, ``a^{[l]}_i``)."""

    def __init__(self, circle: Circle, label: EquationTex) -> None:
        super().__init__(circle, label)
        self.circle, self.label = circle, label


class NetworkPicture(VGroup):
    """Units, edges and edge labels of a network (see :func:`network_picture`).

    ``units[(l, i)]`` is unit ``i`` of layer ``l`` (a :class:`Unit`);
    ``edges[(l, k, i)]`` the line of weight ``w[l]_ki``; ``labels[(l, k, i)]`` the label of every
    labelled edge (an :class:`EdgeLabel`). ``compact`` says whether only the focus unit's edges
    are labelled.
    """

    def __init__(self) -> None:
        super().__init__()
        self.units: dict[tuple[int, int], Unit] = {}
        self.edges: dict[Key, Line] = {}
        self.labels: dict[Key, EdgeLabel] = {}
        self.compact = False
        self.focus: tuple[int, int] | None = None

    def circle(self, layer: int, index: int) -> Circle:
        """The circle of unit ``index`` of ``layer``."""
        return self.units[(layer, index)].circle

    def leaving(self, layer: int, unit: int) -> list[Key]:
        """The drawn edges that leave unit ``unit`` of ``layer``, in the order of the unit they
        enter."""
        return sorted(
            (key for key in self.edges if key[0] == layer + 1 and key[2] == unit),
            key=lambda key: key[1],
        )

    def layer_units(self, layer: int) -> VGroup:
        """Every unit of ``layer``."""
        return VGroup(*[unit for (l, _), unit in sorted(self.units.items()) if l == layer])

    def layer_edges(self, layer: int) -> VGroup:
        """Every edge into ``layer``."""
        return VGroup(*[edge for key, edge in sorted(self.edges.items()) if key[0] == layer])


def network_picture(
    spec: NetworkSpec,
    theme: Theme,
    box: Box,
    focus: tuple[int, int] | None = None,
    labels: str | Collection[Key] = "auto",
    upto: int | None = None,
    grow: float = 1.6,
    lit: bool = True,
) -> NetworkPicture:
    """The network of ``spec`` (layers ``0 .. upto``, all by default) fitted into ``box``.

    ``focus`` is the unit ``(layer, index)`` being discussed: drawn in the theme's highlight
    colour, and the unit whose leaving edges a compact picture labels (default: the unit
    :func:`~derivations.sequence_network.focus_unit` picks in layer 1). ``labels`` is ``"all"``,
    ``"focus"`` (the focus unit's leaving edges only), ``"none"``, ``"auto"`` (all, unless a
    layer has 4 units or labels would collide; then the focus unit's) or the keys of the edges
    to label (the edges being discussed). A picture smaller than
    ``box`` is scaled up, by at most ``grow``. ``lit=False`` draws the focus unit like the
    others (a scene lights it with :func:`light_unit` when the narration reaches it).

    >>> from manim import config
    >>> config.verbosity = "WARNING"  # no "Writing ..." lines when the TeX is new
    >>> picture = network_picture(NetworkSpec(layer_dims=(2, 3, 2)), Theme(),
    ...                           Box((0.0, 0.0), 12.0, 6.0), labels="all")
    >>> len(picture.units), len(picture.edges), len(picture.labels)  # 2 + 3 + 2 units, 6 + 6
    (7, 12, 12)
    >>> small = network_picture(NetworkSpec(layer_dims=(2, 3, 2)), Theme(),
    ...                         Box((0.0, 0.0), 4.0, 2.0))  # too small for every label
    >>> small.compact, len(small.labels)  # only the focus unit's 2 leaving edges are labelled
    (True, 2)
    >>> named = network_picture(NetworkSpec(layer_dims=(2, 3, 2)), Theme(),
    ...                         Box((0.0, 0.0), 12.0, 6.0), labels=[(2, 0, 2)])
    >>> sorted(named.labels), named.compact  # the one edge being discussed
    ([(2, 0, 2)], True)
    """
    if isinstance(labels, str) and labels not in ("auto", "all", "focus", "none"):
        raise ValueError(
            f"labels = {labels!r}: use 'auto', 'all', 'focus', 'none' or the keys of the edges"
        )
    last = spec.num_layers if upto is None else upto
    focus = focus or (1, focus_unit(spec))
    picture = NetworkPicture()
    picture.focus = focus
    centres = _centres(spec, last, box)
    texts = unit_parts(spec)
    radius = _radius(texts, last, theme, centres)
    for (layer, index), centre in centres.items():
        picture.units[(layer, index)] = _unit(
            texts[layer][index], centre, radius, theme, lit=lit and (layer, index) == focus
        )
    for layer in range(1, last + 1):
        colour = theme.colour(f"W{layer}")
        for k, i in layer_edges(spec, layer):
            start, end = centres[(layer - 1, i)], centres[(layer, k)]
            direction = (end - start) / np.linalg.norm(end - start)
            line = Line(
                start + radius * direction,
                end - radius * direction,
                color=colour,
                stroke_width=EDGE_WIDTH,
                stroke_opacity=EDGE_OPACITY,
            )
            picture.edges[(layer, k, i)] = line
    picture.add(*picture.edges.values(), *picture.units.values())
    chosen = _labelled(spec, picture, theme, labels, focus, last)
    picture.labels = chosen
    picture.add(*chosen.values())
    scale = min(grow, box.width / picture.width, box.height / max(picture.height, 1e-6))
    if scale > 1:
        picture.scale(scale, about_point=box.point())
    return picture


def _centres(spec: NetworkSpec, last: int, box: Box) -> dict[tuple[int, int], np.ndarray]:
    """Unit centres: layers evenly across ``box`` (gaps capped), units evenly down it."""
    columns = last + 1
    gap = min(MAX_LAYER_GAP, box.width * 0.86 / max(columns - 1, 1))
    tallest = max(spec.size(layer) for layer in range(columns))
    step = min(MAX_UNIT_GAP, box.height * 0.92 / max(tallest, 1))
    centres = {}
    for layer in range(columns):
        x = box.center[0] + (layer - (columns - 1) / 2) * gap
        count = spec.size(layer)
        for index in range(count):
            y = box.center[1] + ((count - 1) / 2 - index) * step
            centres[(layer, index)] = np.array([x, y, 0.0])
    return centres


def _radius(
    texts: Sequence[Sequence[TexPart]],
    last: int,
    theme: Theme,
    centres: dict[tuple[int, int], np.ndarray],
) -> float:
    """One radius for every unit: room for the widest label, at most 45 % of the spacing."""
    widest = max(
        max(
            EquationTex((part,), theme, theme.min_font_size).width,
            EquationTex((part,), theme, theme.min_font_size).height,
        )
        for line in texts[: last + 1]
        for part in line
    )
    spacing = min(
        (np.linalg.norm(a - b) for a, b in combinations(centres.values(), 2)), default=2.0
    )
    return float(min(widest / 2 + UNIT_PAD, 0.45 * spacing))


def _unit(part: TexPart, centre: np.ndarray, radius: float, theme: Theme, lit: bool) -> Unit:
    label = EquationTex((part,), theme, theme.min_font_size)
    circle = Circle(
        radius=radius,
        color=theme.colour(part.symbol),
        stroke_width=3.0,
    ).set_fill(theme.background, opacity=1.0)
    if lit:
        light_unit(circle, theme)
    unit = Unit(circle, label)
    unit.move_to(centre)
    label.move_to(centre)
    return unit


def light_unit(circle: Circle, theme: Theme) -> Circle:
    """``circle`` drawn as the unit being discussed: the highlight colour, a thick ring and a
    translucent fill (returned for chaining)."""
    return circle.set_stroke(theme.highlight, width=8.0).set_fill(
        theme.highlight, opacity=theme.highlight_opacity
    )


class EdgeLabel(VGroup):
    """The weight of an edge: ``tex`` (its :class:`~scenes.equations.EquationTex`) on a
    ``backing`` of the background colour."""

    def __init__(self, tex: EquationTex, theme: Theme) -> None:
        backing = BackgroundRectangle(
            tex, color=theme.background, fill_opacity=0.92, buff=BACKING_BUFF
        )
        super().__init__(backing, tex)
        self.backing, self.tex = backing, tex


def edge_label(layer: int, key: Key, line: Line, theme: Theme, position: float) -> EdgeLabel:
    """The weight ``w^{[l]}_{ki}`` of edge ``key``, on a backing of the background colour,
    centred ``position`` of the way along ``line``."""
    tex = EquationTex((weight_part(layer, key[1:]),), theme, theme.min_font_size)
    label = EdgeLabel(tex, theme)
    label.move_to(line.point_from_proportion(position))
    return label


Rect = tuple[float, float, float, float]
"""An axis-aligned box as ``(left, bottom, right, top)``."""


def _rect(mobject: VMobject) -> Rect:
    return (
        mobject.get_left()[0],
        mobject.get_bottom()[1],
        mobject.get_right()[0],
        mobject.get_top()[1],
    )


def segment_crosses(start: np.ndarray, end: np.ndarray, rect: Rect) -> bool:
    """Whether the segment from ``start`` to ``end`` passes through ``rect`` (Liang-Barsky).

    >>> a, b = np.array([0.0, 0.0, 0.0]), np.array([2.0, 2.0, 0.0])
    >>> segment_crosses(a, b, (0.5, 0.5, 1.0, 1.0)), segment_crosses(a, b, (1.5, 0.0, 2.0, 0.4))
    (True, False)
    """
    left, bottom, right, top = rect
    dx, dy = end[0] - start[0], end[1] - start[1]
    low, high = 0.0, 1.0
    for p, q in (
        (-dx, start[0] - left),
        (dx, right - start[0]),
        (-dy, start[1] - bottom),
        (dy, top - start[1]),
    ):
        if abs(p) < 1e-12:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def _circle_meets(circle: Circle, rect: Rect) -> bool:
    centre, radius = circle.get_center(), circle.width / 2
    nearest_x = min(max(centre[0], rect[0]), rect[2])
    nearest_y = min(max(centre[1], rect[1]), rect[3])
    return bool(np.hypot(centre[0] - nearest_x, centre[1] - nearest_y) < radius)


def _rects_meet(a: Rect, b: Rect) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def beside_conflicts(picture: NetworkPicture, key: Key, rect: Rect, placed: Iterable[Rect]) -> int:
    """How much a label box ``rect`` of edge ``key`` would cover: the other edges it crosses
    (one each), and the units it touches and labels ``placed`` already that it overlaps
    (:data:`HIDES` each: a label over a unit or a label hides text, over an edge only a
    stroke)."""
    edges = sum(
        segment_crosses(line.get_start(), line.get_end(), rect)
        for other, line in picture.edges.items()
        if other != key
    )
    units = sum(_circle_meets(unit.circle, rect) for unit in picture.units.values())
    labels = sum(_rects_meet(rect, other) for other in placed)
    return edges + HIDES * (units + labels)


def _distance_to_segment(point: np.ndarray, start: np.ndarray, end: np.ndarray) -> float:
    along = end - start
    t = float(np.clip(np.dot(point - start, along) / np.dot(along, along), 0.0, 1.0))
    return float(np.linalg.norm(point - (start + t * along)))


def nearest_edge(picture: NetworkPicture, point: np.ndarray) -> Key:
    """The edge of ``picture`` nearest ``point``: the edge a label there seems to name."""
    return min(
        picture.edges,
        key=lambda key: _distance_to_segment(
            point, picture.edges[key].get_start(), picture.edges[key].get_end()
        ),
    )


def place_beside(
    label: EdgeLabel, key: Key, picture: NetworkPicture, placed: Iterable[Rect] = ()
) -> EdgeLabel:
    """Move ``label`` onto or beside edge ``key``: at the first of :data:`BESIDE_POSITIONS`
    along it, on the edge or on either side of it (touching it, or half its offset further),
    where its backing crosses no other edge,
    touches no unit and overlaps no label of ``placed``, and where ``key`` is the edge nearest
    the label (so the label names its own edge); failing that, where it covers the fewest.
    Returns ``label``."""
    line = picture.edges[key]
    start, end = line.get_start(), line.get_end()
    along = (end - start) / np.linalg.norm(end - start)
    normal = np.array([-along[1], along[0], 0.0])
    half_w, half_h = label.width / 2, label.height / 2
    offset = half_w * abs(normal[0]) + half_h * abs(normal[1]) + BESIDE_GAP
    placed = list(placed)
    best: tuple[int, np.ndarray] | None = None
    for position in BESIDE_POSITIONS:
        for side in (0.0, 1.0, -1.0, 1.5, -1.5):
            centre = start + position * (end - start) + side * offset * normal
            rect = (centre[0] - half_w, centre[1] - half_h, centre[0] + half_w, centre[1] + half_h)
            count = beside_conflicts(picture, key, rect, placed)
            count += nearest_edge(picture, centre) != key
            if best is None or count < best[0]:
                best = (count, centre)
            if count == 0:
                return label.move_to(centre)
    assert best is not None
    return label.move_to(best[1])


def label_edges(picture: NetworkPicture, keys: Sequence[Key], theme: Theme) -> dict[Key, EdgeLabel]:
    """Labels for the edges ``keys``, each on or beside its edge (:func:`place_beside`), clear
    of the edges, units and one another. Labels placed first take the clear spots, so the
    edges are placed in their order and in the reverse one, and the order covering less wins.
    """
    best: tuple[int, dict[Key, EdgeLabel]] | None = None
    for order in (list(keys), list(reversed(keys))):
        labels: dict[Key, EdgeLabel] = {}
        for key in order:
            label = edge_label(key[0], key, picture.edges[key], theme, 0.5)
            place_beside(label, key, picture, [_rect(other) for other in labels.values()])
            labels[key] = label
        covered = sum(
            beside_conflicts(
                picture, key, _rect(label), [_rect(o) for k, o in labels.items() if k != key]
            )
            for key, label in labels.items()
        )
        if best is None or covered < best[0]:
            best = (covered, {key: labels[key] for key in keys})
        if covered == 0 or len(keys) < 2:
            break
    assert best is not None
    return best[1]


def _labelled(
    spec: NetworkSpec,
    picture: NetworkPicture,
    theme: Theme,
    labels: str | Collection[Key],
    focus: tuple[int, int],
    last: int,
) -> dict[Key, EdgeLabel]:
    if labels == "none":
        return {}
    if not isinstance(labels, str):
        missing = [key for key in labels if key not in picture.edges]
        if missing:
            raise ValueError(f"labels names edges the picture does not draw: {missing}")
        picture.compact = True
        return label_edges(picture, sorted(labels), theme)
    focus_keys = [key for key in picture.leaving(*focus)]
    if labels in ("auto", "all"):
        crowded = any(spec.size(layer) >= 4 for layer in range(last + 1))
        if labels == "all" or not crowded:
            every = {
                key: edge_label(key[0], key, line, theme, _staggered(spec, key))
                for key, line in picture.edges.items()
            }
            if labels == "all" or not collisions(every.values(), picture.units.values()):
                picture.compact = False
                return every
    picture.compact = True
    return label_edges(picture, focus_keys, theme)


def _staggered(spec: NetworkSpec, key: Key) -> float:
    """Labels of edges leaving different units sit at different distances along them."""
    layer, _, i = key
    count = spec.size(layer - 1)
    return 0.5 if count == 1 else 0.32 + 0.36 * i / (count - 1)


def _overlap(a: VMobject, b: VMobject, tolerance: float = 0.0) -> bool:
    return bool(
        min(a.get_right()[0], b.get_right()[0]) - max(a.get_left()[0], b.get_left()[0]) > tolerance
        and min(a.get_top()[1], b.get_top()[1]) - max(a.get_bottom()[1], b.get_bottom()[1])
        > tolerance
    )


def collisions(
    labels: Iterable[VMobject], units: Iterable[VMobject]
) -> list[tuple[VMobject, VMobject]]:
    """Pairs of labels that overlap, and labels that overlap a unit."""
    labels, units = list(labels), list(units)
    found = [(a, b) for a, b in combinations(labels, 2) if _overlap(a, b)]
    found += [(a, u) for a in labels for u in units if _overlap(a, u)]
    return found


def backward_pulses(picture: NetworkPicture, keys: Sequence[Key], theme: Theme) -> list[Playable]:
    """A highlight-coloured stroke running along each edge of ``keys`` from the unit it enters
    back to the unit it leaves (the gradient flowing backwards), the edge itself lit."""
    from manim import ShowPassingFlash

    animations: list[Playable] = []
    for key in keys:
        edge = picture.edges[key]
        reverse = Line(
            edge.get_end(), edge.get_start(), color=theme.highlight, stroke_width=LIT_WIDTH + 2
        )
        animations.append(ShowPassingFlash(reverse, time_width=0.5))
        animations.append(edge.animate.set_stroke(width=LIT_WIDTH, opacity=1.0))
    return animations


class NetworkSegment(Segment):
    """Step ``dZ1.network``: the units, the edges, their weights, one edge singled out."""

    step_ids = (NETWORK,)

    def play(self) -> None:
        step = self.begin_step(self.step(NETWORK))
        spec = self.scene.spec
        k, unit = step.picked or (0, 0)
        key = (2, k, unit)  # the one edge the step names: it enters output unit k
        picture = network_picture(
            spec, self.theme, self.body(), focus=(1, unit), labels=[key], lit=False
        )
        for layer in range(spec.num_layers + 1):  # each layer's units as its edges arrive
            edges = [Create(picture.layer_edges(layer))] if layer else []
            units = [FadeIn(u) for u in picture.layer_units(layer)]
            self.scene.play(*edges, LaggedStart(*units, lag_ratio=0.2), run_time=self.t(0.8))
        self.settle(VGroup(*picture.edges.values(), *picture.units.values()))
        self.wait(self.t(0.5))

        # -- one edge, lit and named: it enters output unit k and leaves hidden unit i
        edge, label = picture.edges[key], picture.labels[key]
        entered, left = picture.circle(2, k), picture.circle(1, unit)
        lit: list[Playable] = [edge.animate.set_stroke(width=LIT_WIDTH, opacity=1.0), Write(label)]
        self.scene.play(*lit, run_time=self.t(1.0))
        self.scene.play(Indicate(entered, color=self.theme.highlight), run_time=self.t(0.8))
        self.scene.play(Indicate(left, color=self.theme.highlight), run_time=self.t(0.8))
        self.scene.play(Transform(left, light_unit(left.copy(), self.theme)), run_time=self.t(0.5))
        self.end_step(pause=1.0)

    @staticmethod
    def body() -> Box:
        """The body below the title, with the bottom band left to the subtitles."""
        body = stack_boxes((0.55, 6.0, 0.9))[1]
        return Box(body.center, body.width - 0.4, body.height)


class TheNetwork(SegmentScene):
    """The network itself: units, edges and their weights, before any matrix."""

    segment = NetworkSegment
    step_ids = NetworkSegment.step_ids


__all__ = [
    "EdgeLabel",
    "NetworkPicture",
    "NetworkSegment",
    "TheNetwork",
    "Unit",
    "backward_pulses",
    "collisions",
    "edge_label",
    "label_edges",
    "light_unit",
    "nearest_edge",
    "network_picture",
    "place_beside",
    "segment_crosses",
]
