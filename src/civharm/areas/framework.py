"""The framework file: the tree of an index, from the root through dimensions to indicators.

Example (ids are free names; weights default to 1)::

    root: risk
    nodes:
      risk: {aggregation: geometric, children: {hazard: 1, vulnerability: 1}}
      hazard: {aggregation: arithmetic, max_missing: 0.5, children: {civilian_deaths: 2, displaced_share: 1}}
      vulnerability: {aggregation: arithmetic, children: {literacy_rate: 1}}
    indicators:
      civilian_deaths: {transform: log, higher_is_worse: true, lower: 0, upper: 1000}
      displaced_share: {transform: none, higher_is_worse: true}
      literacy_rate: {transform: none, higher_is_worse: false, lower: 0, upper: 100}

Every problem in a file is reported at once, each with the file, the line and the field.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from civharm.errors import CivharmError, RowError

DEFAULT_FRAMEWORK = "human_security.yaml"

#: INFORM Risk's class breaks on 0-10: very low < 2 <= low < 3.5 <= medium < 5 <= high < 6.5 <= very high.
INFORM_BREAKS = (2.0, 3.5, 5.0, 6.5)
CLASS_LABELS = ("very_low", "low", "medium", "high", "very_high")

_TOP_KEYS = {"name", "description", "root", "nodes", "indicators", "classes"}
_NODE_KEYS = {"aggregation", "children", "max_missing", "label", "description"}
_INDICATOR_KEYS = {"transform", "higher_is_worse", "lower", "upper", "label", "description", "source", "unit"}


class Aggregation(StrEnum):
    ARITHMETIC = "arithmetic"
    GEOMETRIC = "geometric"


class Transform(StrEnum):
    NONE = "none"
    LOG = "log"  # ln(1 + x), for skewed counts and rates


@dataclass(frozen=True)
class IndicatorSpec:
    name: str
    transform: Transform
    higher_is_worse: bool
    lower: float | None = None
    upper: float | None = None
    label: str = ""
    description: str = ""
    source: str = ""
    unit: str = ""


@dataclass(frozen=True)
class NodeSpec:
    name: str
    aggregation: Aggregation
    #: ``(child, weight)`` in the order the file gives them.
    children: tuple[tuple[str, float], ...]
    max_missing: float = 0.5
    label: str = ""
    description: str = ""


@dataclass(frozen=True)
class Classes:
    """Five classes on 0-10: a score ``s`` is in class ``i`` when ``breaks[i-1] <= s < breaks[i]``."""

    breaks: tuple[float, ...] = INFORM_BREAKS
    labels: tuple[str, ...] = CLASS_LABELS


@dataclass(frozen=True)
class Framework:
    root: str
    nodes: Mapping[str, NodeSpec]
    indicators: Mapping[str, IndicatorSpec]
    name: str = ""
    description: str = ""
    classes: Classes = field(default_factory=Classes)

    def order(self) -> list[str]:
        """Every node and indicator under the root, root first, then depth first (file order)."""
        seen: list[str] = []

        def visit(name: str) -> None:
            if name in seen:
                return
            seen.append(name)
            if name in self.nodes:
                for child, _ in self.nodes[name].children:
                    visit(child)

        visit(self.root)
        return seen

    def evaluation_order(self) -> list[str]:
        """Inner nodes with every child before its parent."""
        return [name for name in reversed(self.order()) if name in self.nodes]

    def used_indicators(self) -> list[str]:
        return [name for name in self.order() if name in self.indicators]

    def with_node(self, node: NodeSpec) -> Framework:
        return replace(self, nodes={**self.nodes, node.name: node})

    def with_indicator(self, indicator: IndicatorSpec) -> Framework:
        return replace(self, indicators={**self.indicators, indicator.name: indicator})

    def label(self, name: str) -> str:
        spec = self.nodes.get(name) or self.indicators.get(name)
        return (spec.label if spec is not None else "") or name.replace("_", " ")


class FrameworkError(CivharmError):
    """A framework file was refused; every problem found is listed."""

    def __init__(self, file: str, errors: list[RowError]) -> None:
        self.file = file
        self.errors = errors
        lines = "\n".join(f"  {_describe(e)}" for e in errors)
        super().__init__(f"{file}: {len(errors)} problem(s) in the framework; nothing was scored\n{lines}")


def _describe(error: RowError) -> str:
    where = f"line {error.row}, " if error.row else ""
    field = f"field {error.field!r}: " if error.field else ""
    shown = "" if error.value is None else f" (got {error.value!r})"
    return f"{error.file}: {where}{field}{error.message}{shown}"


def default_framework_path() -> Path:
    """The framework shipped with civharm (UNDP's seven dimensions plus agency and coping)."""
    return Path(str(resources.files("civharm.areas").joinpath("frameworks", DEFAULT_FRAMEWORK)))


def load_framework(path: Path | None = None) -> Framework:
    """Read and check a framework file; ``None`` loads the default framework."""
    path = path or default_framework_path()
    name = str(path)
    if not path.is_file():
        raise FrameworkError(name, [RowError(name, 0, "", "file not found")])
    return parse_framework(path.read_text(encoding="utf-8"), file=name)


def parse_framework(text: str, *, file: str = "<framework>") -> Framework:
    """Check a framework given as YAML text; raises :class:`FrameworkError` listing every problem."""
    try:
        tree = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        raise FrameworkError(file, [RowError(file, line, "", f"is not valid YAML: {exc}")]) from None
    checker = _Checker(file, _line_numbers(tree) if tree is not None else {})
    framework = checker.framework(data)
    if checker.errors or framework is None:
        raise FrameworkError(file, checker.errors)
    return framework


def _line_numbers(node: yaml.Node, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], int]:
    """Line (1-based) of every mapping key, so problems can say where they are."""
    lines: dict[tuple[str, ...], int] = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, str(key.value))
            lines[child] = key.start_mark.line + 1
            lines.update({k: v for k, v in _line_numbers(value, child).items() if k != child})
    return lines


class _Checker:
    def __init__(self, file: str, lines: dict[tuple[str, ...], int]) -> None:
        self.file = file
        self.lines = lines
        self.errors: list[RowError] = []

    def fail(self, path: tuple[str, ...], message: str, value: Any = None) -> None:
        line = next((self.lines[path[:n]] for n in range(len(path), -1, -1) if path[:n] in self.lines), 0)
        shown = None if value is None else str(value)
        self.errors.append(RowError(self.file, line, ".".join(path), message, shown))

    def mapping(self, value: Any, path: tuple[str, ...], allowed: set[str] | None = None) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(path, "must be a mapping of names to values")
            return {}
        for key in value:
            if allowed is not None and key not in allowed:
                self.fail((*path, str(key)), f"unknown key; expected one of {', '.join(sorted(allowed))}")
        return {str(k): v for k, v in value.items()}

    def number(self, value: Any, path: tuple[str, ...]) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.fail(path, "must be a finite number", value)
            return None
        return float(value)

    def framework(self, data: Any) -> Framework | None:
        top = self.mapping(data, (), _TOP_KEYS)
        if not top:
            self.fail((), "the framework is empty; it needs root, nodes and indicators")
            return None
        indicators = {
            name: indicator
            for name, raw in self.mapping(top.get("indicators"), ("indicators",)).items()
            if (indicator := self.indicator(name, raw)) is not None
        }
        nodes = {
            name: node
            for name, raw in self.mapping(top.get("nodes"), ("nodes",)).items()
            if (node := self.node(name, raw)) is not None
        }
        root = top.get("root")
        if not isinstance(root, str) or not root:
            self.fail(("root",), "is required: the name of the top node", root)
            return None
        if root not in nodes and root not in indicators:
            self.fail(("root",), "is neither a node nor an indicator", root)
        for name in sorted(set(nodes) & set(indicators)):
            self.fail(("nodes", name), "is also an indicator; names must be unique")
        self.check_children(nodes, indicators)
        self.check_cycles(nodes, root)
        classes = self.classes(top.get("classes"))
        if self.errors:
            return None
        return Framework(
            root=root,
            nodes=nodes,
            indicators=indicators,
            name=str(top.get("name") or ""),
            description=str(top.get("description") or ""),
            classes=classes,
        )

    def indicator(self, name: str, raw: Any) -> IndicatorSpec | None:
        path = ("indicators", name)
        spec = self.mapping(raw, path, _INDICATOR_KEYS)
        errors_before = len(self.errors)
        transform = spec.get("transform", "none")
        if transform not in {t.value for t in Transform}:
            self.fail((*path, "transform"), "must be none or log", transform)
        worse = spec.get("higher_is_worse")
        if not isinstance(worse, bool):
            self.fail((*path, "higher_is_worse"), "is required: true or false", worse)
        lower = self.number(spec["lower"], (*path, "lower")) if spec.get("lower") is not None else None
        upper = self.number(spec["upper"], (*path, "upper")) if spec.get("upper") is not None else None
        if lower is not None and upper is not None and lower >= upper:
            self.fail((*path, "upper"), f"must be greater than lower ({lower:g})", upper)
        if transform == Transform.LOG:
            for cap, value in (("lower", lower), ("upper", upper)):
                if value is not None and value <= -1:
                    self.fail(
                        (*path, cap), "must be greater than -1 with the log transform (ln(1 + x))", value
                    )
        if len(self.errors) > errors_before:
            return None
        return IndicatorSpec(
            name=name,
            transform=Transform(transform),
            higher_is_worse=bool(worse),
            lower=lower,
            upper=upper,
            **{key: str(spec.get(key) or "") for key in ("label", "description", "source", "unit")},
        )

    def node(self, name: str, raw: Any) -> NodeSpec | None:
        path = ("nodes", name)
        spec = self.mapping(raw, path, _NODE_KEYS)
        errors_before = len(self.errors)
        aggregation = spec.get("aggregation", "arithmetic")
        if aggregation not in {a.value for a in Aggregation}:
            self.fail((*path, "aggregation"), "must be arithmetic or geometric", aggregation)
        max_missing = self.number(spec.get("max_missing", 0.5), (*path, "max_missing"))
        if max_missing is not None and not 0 <= max_missing <= 1:
            self.fail((*path, "max_missing"), "must be between 0 and 1 (a share of the weights)", max_missing)
        children = list(self.weights(spec.get("children"), (*path, "children")))
        if not children and len(self.errors) == errors_before:
            self.fail((*path, "children"), "is required: at least one child with its weight")
        if len(self.errors) > errors_before:
            return None
        return NodeSpec(
            name=name,
            aggregation=Aggregation(aggregation),
            children=tuple(children),
            max_missing=float(max_missing if max_missing is not None else 0.5),
            label=str(spec.get("label") or ""),
            description=str(spec.get("description") or ""),
        )

    def weights(self, raw: Any, path: tuple[str, ...]) -> Iterator[tuple[str, float]]:
        if isinstance(raw, list):  # a plain list of children: every weight is 1
            raw = {str(child): 1 for child in raw}
        for child, weight in self.mapping(raw, path).items():
            value = 1.0 if weight is None else self.number(weight, (*path, child))
            if value is not None and value <= 0:
                self.fail((*path, child), "weight must be greater than 0", weight)
            elif value is not None:
                yield child, value

    def check_children(self, nodes: dict[str, NodeSpec], indicators: dict[str, IndicatorSpec]) -> None:
        for node in nodes.values():
            for child, _ in node.children:
                if child not in nodes and child not in indicators:
                    self.fail(
                        ("nodes", node.name, "children", child),
                        "unknown child: not a node or an indicator of this framework",
                        child,
                    )

    def check_cycles(self, nodes: dict[str, NodeSpec], root: str) -> None:
        state: dict[str, int] = {}  # 1: on the current path, 2: done

        def visit(name: str, trail: list[str]) -> None:
            if state.get(name) == 2 or name not in nodes:
                return
            if state.get(name) == 1:
                cycle = " -> ".join([*trail[trail.index(name) :], name])
                self.fail(("nodes", name, "children"), f"the tree has a cycle: {cycle}")
                return
            state[name] = 1
            for child, _ in nodes[name].children:
                visit(child, [*trail, name])
            state[name] = 2

        for name in [root, *nodes]:
            visit(name, [])

    def classes(self, raw: Any) -> Classes:
        if raw is None:
            return Classes()
        spec = self.mapping(raw, ("classes",), {"breaks", "labels"})
        breaks = spec.get("breaks", list(INFORM_BREAKS))
        labels = spec.get("labels", list(CLASS_LABELS))
        ok_breaks = (
            isinstance(breaks, list)
            and len(breaks) == 4
            and all(isinstance(b, int | float) and not isinstance(b, bool) for b in breaks)
            and all(0 < a < b < 10 for a, b in itertools.pairwise(breaks))
        )
        if not ok_breaks:
            self.fail(("classes", "breaks"), "must be four increasing numbers between 0 and 10", breaks)
        if not isinstance(labels, list) or len(labels) != 5 or len({str(x) for x in labels}) != 5:
            self.fail(("classes", "labels"), "must be five different names", labels)
        if not ok_breaks or not isinstance(labels, list):
            return Classes()
        return Classes(breaks=tuple(float(b) for b in breaks), labels=tuple(str(x) for x in labels))
