"""Generate the typed Python models from the spec: ``bridge/_generated/models.py``.

Result side: one :class:`bridge.GraphModel` subclass per Graph type -- each
model, and each nested object that AutoRest's flattening hides (the spec's
``groups``) -- with a typed read-only property per JSON key, so
``job.schedule.interval`` is ``timedelta | str | None`` and a misspelt
attribute is an error for mypy and pyright. Groups of the same Graph type
(``lastExecution``, ``lastSuccessfulExecution``) share one class.

Input side: one ``TypedDict`` per NOTES shape (the PowerShell property names,
as the seed's NOTES list them), so editors complete hashtable keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bridge._spec import ModelSpec, PropertySpec, Spec, load_spec, snake_case

OUTPUT = "bridge/_generated/models.py"

_RESULT_SCALARS = {"string": "str", "boolean": "bool", "int32": "int", "int64": "int",
                   "datetime": "Union[datetime, str]", "timespan": "Union[timedelta, str]"}
_INPUT_SCALARS = {"string": "str", "boolean": "bool", "int32": "int", "int64": "int",
                  "datetime": "Union[datetime, str]", "timespan": "Union[timedelta, str]"}
_RESERVED = {"to_dict", "additional_properties"}


def _pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


def model_class(model: ModelSpec) -> str:
    """``synchronizationJob`` -> ``SynchronizationJob``."""
    return _pascal(model.key)


def input_class(model: ModelSpec) -> str:
    """The TypedDict of a NOTES shape: ``SynchronizationJobInput``, ``ApplicationIdentityInput``."""
    if model.identity:
        return model.interface.removeprefix("IIdentity") + "Input"
    return model_class(model) + "Input"


@dataclass
class _Member:
    attribute: str          # snake_case attribute
    hint: str               # result type, without Optional
    doc: str


@dataclass
class _Class:
    name: str
    doc: str
    members: dict[str, _Member] = field(default_factory=dict)
    places: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    model_key: str = ""     # set for model classes (constructible from JSON alone)


def _result_hint(prop: PropertySpec, spec: Spec) -> str:
    item = prop.item_type
    inner = model_class(spec.models[item]) if prop.is_model else _RESULT_SCALARS[item]
    return f"list[{inner}]" if prop.is_array else inner


def _level_members(model: ModelSpec, prefix: tuple[str, ...], spec: Spec,
                   group_class: dict[tuple[str, tuple[str, ...]], str]) -> dict[str, _Member]:
    members: dict[str, _Member] = {}
    depth = len(prefix)
    for prop in model.properties_under(prefix):
        path = prop.json_path
        key = path[depth]
        attribute = snake_case(key.replace("-", "_"))
        if attribute in members:
            continue
        if attribute in _RESERVED or not attribute.isidentifier():
            raise ValueError(f"{model.key}.{key}: no attribute name for it")
        if len(path) == depth + 1:
            # Group classes are shared by several places: name the key, not one full path.
            where = f"``{prop.json_name}`` (-{prop.name})" if not prefix else f"``{key}``"
            doc = where + (f": {prop.description.strip(' .')}" if prop.description else "")
            members[attribute] = _Member(attribute, _result_hint(prop, spec), doc)
        else:
            sub = prefix + (key,)
            graph_type = model.groups.get(".".join(sub), "")
            members[attribute] = _Member(attribute, group_class[(model.key, sub)],
                                         f"``{'.'.join(sub)}`` ({graph_type})")
    return members


def _classes(spec: Spec) -> list[_Class]:
    by_name: dict[str, _Class] = {}
    group_class: dict[tuple[str, tuple[str, ...]], str] = {}
    results = [m for m in spec.models.values() if not m.identity]
    for model in results:
        for dotted, graph_type in model.groups.items():
            group_class[(model.key, tuple(dotted.split(".")))] = \
                _pascal(graph_type.rsplit(".", 1)[-1])
    ordered: list[_Class] = []
    # Groups first (deepest first), so each class is defined before it is used.
    for model in results:
        for dotted in sorted(model.groups, key=lambda d: -d.count(".")):
            prefix = tuple(dotted.split("."))
            name = group_class[(model.key, prefix)]
            members = _level_members(model, prefix, spec, group_class)
            existing = by_name.get(name)
            if existing is None:
                cls = _Class(name, f"A ``{model.groups[dotted]}`` (nested in Graph's JSON).",
                             members)
                by_name[name] = cls
                ordered.append(cls)
            elif {k: v.hint for k, v in existing.members.items()} != \
                    {k: v.hint for k, v in members.items()}:
                raise ValueError(f"group {name} has different shapes in the spec")
            by_name[name].places.append((model.key, prefix))
    for model in results:
        name = model_class(model)
        if name in by_name:
            raise ValueError(f"{name} is both a model and a group")
        about = f": {model.description}" if model.description else ""
        cls = _Class(name, f"A ``{model.graph_type}``{about}.",
                     _level_members(model, (), spec, group_class), model_key=model.key)
        cls.places.append((model.key, ()))
        by_name[name] = cls
        ordered.append(cls)
    return ordered


def _render_result(cls: _Class) -> str:
    lines = [f"class {cls.name}(GraphModel):", f'    """{cls.doc}"""', "", "    __slots__ = ()"]
    if cls.model_key:
        lines.append(f"    _default_model = {cls.model_key!r}")
    for m in cls.members.values():
        lines += ["", "    @property", f"    def {m.attribute}(self) -> Optional[{m.hint}]:",
                  f'        """{m.doc}."""',
                  f"        value: Optional[{m.hint}] = self._get({m.attribute!r})",
                  "        return value"]
    return "\n".join(lines)


def _input_hint(prop: PropertySpec, spec: Spec) -> str:
    item = prop.item_type
    inner = input_class(spec.models[item]) if prop.is_model else _INPUT_SCALARS[item]
    return f"Sequence[{inner}]" if prop.is_array else inner


def _render_input(model: ModelSpec, spec: Spec) -> str:
    lines = [f"class {input_class(model)}(TypedDict, total=False):",
             f'    """{model.interface}: the keys the NOTES list (any case works at run time)."""',
             ""]
    for prop in model.properties:
        lines.append(f"    {prop.name}: Optional[{_input_hint(prop, spec)}]")
    return "\n".join(lines)


def _input_order(spec: Spec) -> list[ModelSpec]:
    """Models in an order where each TypedDict comes after those it uses."""
    done: list[str] = []

    def visit(key: str) -> None:
        if key in done:
            return
        done.append(key)  # mark first: the spec's trees have cycles (attribute mapping sources)
        for prop in spec.models[key].properties:
            if prop.is_model:
                visit(prop.item_type)

    for key in spec.models:
        visit(key)
    return [spec.models[k] for k in done]


def render() -> dict[str, str]:
    """``{path: text}`` of the generated models module."""
    spec = load_spec()
    classes = _classes(spec)
    registry = "\n".join(f"    ({key!r}, {prefix!r}): {cls.name},"
                         for cls in classes for key, prefix in cls.places)
    names = [c.name for c in classes] + [input_class(m) for m in _input_order(spec)]
    exported = "\n".join(f"    {n!r}," for n in names)
    results = "\n\n\n".join(_render_result(c) for c in classes)
    inputs = "\n\n\n".join(_render_input(m, spec) for m in _input_order(spec))
    text = f'''# Generated by scripts/generate from bridge/spec/*.yaml. Do not edit.
"""Typed models (generated): results with a typed property per Graph key, inputs as TypedDicts.

Result classes read Graph's JSON through :class:`bridge.GraphModel` (values
Graph sent that cannot be read as the spec's type stay as sent, hence
``datetime | str``). Input TypedDicts name the keys the NOTES list; binding
accepts any case and Graph's nested form as well.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Optional, Sequence, TypedDict, Union

from .._models import GraphModel, register_classes

__all__ = [
{exported}
]


{results}


register_classes({{
{registry}
}})


{inputs}
'''
    return {OUTPUT: text}
