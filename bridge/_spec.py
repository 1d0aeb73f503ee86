"""Load and check the one source of truth: ``bridge/spec/*.yaml``.

The cmdlet spec (parameter sets, parameters) and the model spec (the model
tree, Graph JSON paths, enums) are read once with pyyaml into frozen
dataclasses. Everything else — binding, the Python API, the PowerShell
parameter declarations and types, help — is driven by these objects.

Usage::

    from bridge._spec import load_spec
    spec = load_spec()
    spec.cmdlet.parameter("ScheduleInterval").binds   # 'body:ScheduleInterval'
    spec.models["synchronizationJob"].property("ScheduleInterval").json_path
    # ('schedule', 'interval')
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Mapping, Optional

import yaml

from ._exceptions import SpecError

__all__ = ["Spec", "CmdletSpec", "ParameterSpec", "ModelSpec", "PropertySpec", "EnumSpec",
           "load_spec", "SCALAR_TYPES", "snake_case"]

SCALAR_TYPES = ("string", "boolean", "int32", "int64", "datetime", "timespan")

# The PowerShell type each scalar spec type shows in NOTES and parameter types.
PS_SCALAR_NAMES = {"string": "String", "boolean": "Boolean", "int32": "Int32", "int64": "Int64",
                   "datetime": "DateTime", "timespan": "TimeSpan"}
DOTNET_SCALAR_NAMES = {"string": "System.String", "boolean": "System.Boolean",
                       "int32": "System.Int32", "int64": "System.Int64",
                       "datetime": "System.DateTime", "timespan": "System.TimeSpan"}
MODELS_NAMESPACE = "Microsoft.Graph.PowerShell.Models"

#: A ``{name}`` placeholder of ``http.path``.
PATH_PLACEHOLDER = re.compile(r"\{([^{}/]+)\}")


def snake_case(name: str) -> str:
    """``SchemaProvisioningTaskIdentifier`` -> ``schema_provisioning_task_identifier``."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


@dataclass(frozen=True)
class EnumSpec:
    """A Graph enum: its documented values in Graph's casing."""

    name: str
    values: tuple[str, ...]
    flags: bool = False

    def canonical(self, value: str) -> Optional[str]:
        """Graph's spelling of ``value`` (case-insensitive), or None if unknown."""
        folded = value.strip().casefold()
        for v in self.values:
            if v.casefold() == folded:
                return v
        return None


@dataclass(frozen=True)
class PropertySpec:
    """One property of a model: PowerShell name, Graph JSON path, type."""

    name: str
    json_path: tuple[str, ...]
    type: str
    description: str = ""
    enum: Optional[str] = None
    read_only: bool = False
    nullable: bool = True

    @property
    def is_array(self) -> bool:
        return self.type.endswith("[]")

    @property
    def item_type(self) -> str:
        """The element type (``directoryDefinition`` for ``directoryDefinition[]``)."""
        return self.type[:-2] if self.is_array else self.type

    @property
    def is_model(self) -> bool:
        return self.item_type not in SCALAR_TYPES

    @property
    def json_name(self) -> str:
        """The dotted Graph path, ``schedule.interval``."""
        return ".".join(self.json_path)


@dataclass(frozen=True)
class ModelSpec:
    """A model: the SDK interface it stands for and its properties in order."""

    key: str
    interface: str
    graph_type: Optional[str]
    properties: tuple[PropertySpec, ...]
    description: str = ""
    groups: Mapping[str, str] = field(default_factory=dict)
    identity: bool = False
    table: tuple[str, ...] = ()  # columns of the default table view (format data)

    @property
    def full_interface(self) -> str:
        return f"{MODELS_NAMESPACE}.{self.interface}"

    @functools.cached_property
    def _by_name(self) -> dict[str, PropertySpec]:
        return {p.name.casefold(): p for p in self.properties}

    def property(self, name: str) -> PropertySpec:
        """The property named ``name`` (PowerShell name, case-insensitive)."""
        try:
            return self._by_name[name.casefold()]
        except KeyError:
            raise KeyError(f"{self.key} has no property {name!r}") from None

    def find(self, name: str) -> Optional[PropertySpec]:
        """The property named ``name`` (case-insensitive), or None."""
        return self._by_name.get(name.casefold())

    @functools.cached_property
    def _levels(self) -> dict[tuple[str, ...], tuple[PropertySpec, ...]]:
        levels: dict[tuple[str, ...], list[PropertySpec]] = {}
        for p in self.properties:
            for depth in range(len(p.json_path)):
                levels.setdefault(p.json_path[:depth], []).append(p)
        return {prefix: tuple(props) for prefix, props in levels.items()}

    def properties_under(self, prefix: tuple[str, ...]) -> tuple[PropertySpec, ...]:
        """The properties whose JSON path goes on below ``prefix``, in the spec's order.

        ``()`` gives every property; ``("schedule",)`` those nested in ``schedule``;
        a prefix that is no JSON object of the model gives none.
        """
        return self._levels.get(prefix, ())

    @functools.cached_property
    def group_paths(self) -> tuple[tuple[str, ...], ...]:
        """The JSON paths of the model's nested objects (``("schedule",)``), in first-use order."""
        return tuple(prefix for prefix in self._levels if prefix)


@dataclass(frozen=True)
class ParameterSpec:
    """A cmdlet parameter as the seed's PARAMETERS section describes it."""

    name: str
    type: str
    sets: Mapping[str, bool]  # set name -> mandatory
    description: str = ""
    position: str = "Named"
    pipeline: Optional[str] = None  # "ByValue" or None
    aliases: tuple[str, ...] = ()
    binds: Optional[str] = None
    model: Optional[str] = None
    common: bool = False
    runtime: bool = False  # the SDK's hidden (DontShow) runtime parameters: options, not data
    help: str = ""  # MgBridge's behaviour, added to the description in Get-Help

    @property
    def python_name(self) -> str:
        """The keyword argument of the Python API (snake_case)."""
        return snake_case(self.name)

    @property
    def body_property(self) -> Optional[str]:
        """For ``binds: body:<Property>``, the property name."""
        if self.binds and self.binds.startswith("body:"):
            return self.binds.split(":", 1)[1]
        return None

    @property
    def path_parameter(self) -> Optional[str]:
        """For ``binds: path:<name>``, the ``{name}`` of ``http.path`` it fills."""
        if self.binds and self.binds.startswith("path:"):
            return self.binds.split(":", 1)[1]
        return None

    def mandatory_in(self, set_name: str) -> bool:
        return self.sets.get(set_name, False)


@dataclass(frozen=True)
class CmdletSpec:
    """The cmdlet: name, parameter sets, parameters, HTTP operation."""

    name: str
    module: str
    synopsis: str
    description: str
    output_type: str
    inputs: tuple[str, ...]
    online_version: str
    default_parameter_set: str
    parameter_sets: tuple[str, ...]
    parameters: tuple[ParameterSpec, ...]
    body_model: str
    identity_model: str
    http_method: str
    http_path: str
    success_statuses: tuple[int, ...]

    @functools.cached_property
    def _by_name(self) -> dict[str, ParameterSpec]:
        return {p.name.casefold(): p for p in self.parameters}

    def parameter(self, name: str) -> ParameterSpec:
        """The parameter named ``name`` (case-insensitive)."""
        try:
            return self._by_name[name.casefold()]
        except KeyError:
            raise KeyError(f"{self.name} has no parameter {name!r}") from None

    @property
    def own_parameters(self) -> tuple[ParameterSpec, ...]:
        """The parameters that carry data (not -WhatIf/-Confirm, not the runtime ones)."""
        return tuple(p for p in self.parameters if not p.common and not p.runtime)

    @property
    def runtime_parameters(self) -> tuple[ParameterSpec, ...]:
        """The SDK's hidden runtime parameters (-Proxy, -Break, ...), DontShow in every set."""
        return tuple(p for p in self.parameters if p.runtime)

    @property
    def contract_parameters(self) -> tuple[ParameterSpec, ...]:
        """The parameters platyPS documents (the seed): all but the hidden runtime ones."""
        return tuple(p for p in self.parameters if not p.runtime)

    def parameters_in(self, set_name: str) -> tuple[ParameterSpec, ...]:
        return tuple(p for p in self.parameters if set_name in p.sets)

    @property
    def path_names(self) -> tuple[str, ...]:
        """The ``{name}`` placeholders of ``http.path``, in order (``('application-id',)``)."""
        return tuple(PATH_PLACEHOLDER.findall(self.http_path))

    def path_binder(self, name: str) -> ParameterSpec:
        """The parameter with ``binds: path:<name>``."""
        return next(p for p in self.parameters if p.path_parameter == name)

    def binding(self, binds: str) -> Optional[ParameterSpec]:
        """The parameter with ``binds: <binds>`` (``body``, ``identity``), or None."""
        return next((p for p in self.parameters if p.binds == binds), None)


@dataclass(frozen=True)
class Spec:
    """The whole spec: the cmdlet, its models and the enums."""

    cmdlet: CmdletSpec
    models: Mapping[str, ModelSpec]
    enums: Mapping[str, EnumSpec]

    @property
    def body(self) -> ModelSpec:
        return self.models[self.cmdlet.body_model]

    @property
    def identity(self) -> ModelSpec:
        return self.models[self.cmdlet.identity_model]


# libyaml's loader when PyYAML has it: the pure-Python one takes ~140 ms for the spec,
# on every process's first call (the same safe subset of YAML either way).
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(name: str) -> Any:
    text = resources.files("bridge").joinpath("spec").joinpath(name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 (a safe loader)


def _parse_models(data: Mapping[str, Any]) -> tuple[dict[str, ModelSpec], dict[str, EnumSpec]]:
    enums = {name: EnumSpec(name, tuple(e["values"]), bool(e.get("flags", False)))
             for name, e in data["enums"].items()}
    models: dict[str, ModelSpec] = {}
    for key, m in data["models"].items():
        props = tuple(PropertySpec(
            name=p["name"], json_path=tuple(p["json"].split(".")), type=p["type"],
            description=p.get("description", "") or "", enum=p.get("enum"),
            read_only=bool(p.get("read_only", False)), nullable=bool(p.get("nullable", True)))
            for p in m["properties"])
        models[key] = ModelSpec(key=key, interface=m["interface"], graph_type=m.get("graph_type"),
                                properties=props, description=m.get("description", "") or "",
                                groups=dict(m.get("groups", {})),
                                identity=bool(m.get("identity", False)),
                                table=tuple(m.get("table", ()) or ()))
    return models, enums


def _parse_cmdlet(data: Mapping[str, Any]) -> CmdletSpec:
    sets = tuple(data["parameter_sets"])
    params = []
    for p in data["parameters"]:
        raw_sets = p["sets"]
        set_map = ({s: False for s in sets} if raw_sets == "all"
                   else {s: bool(v.get("mandatory", False)) for s, v in raw_sets.items()})
        params.append(ParameterSpec(
            name=p["name"], type=p["type"], sets=set_map, description=p.get("description", ""),
            position=str(p.get("position", "Named")), pipeline=p.get("pipeline") or None,
            aliases=tuple(p.get("aliases", ()) or ()), binds=p.get("binds"), model=p.get("model"),
            common=bool(p.get("common", False)), runtime=bool(p.get("runtime", False)),
            help=p.get("help", "") or ""))
    return CmdletSpec(
        name=data["name"], module=data["module"], synopsis=data["synopsis"],
        description=data["description"], output_type=data["output_type"],
        inputs=tuple(data["inputs"]), online_version=data["online_version"],
        default_parameter_set=data["default_parameter_set"], parameter_sets=sets,
        parameters=tuple(params), body_model=data["body_model"],
        identity_model=data["identity_model"], http_method=data["http"]["method"],
        http_path=data["http"]["path"], success_statuses=tuple(data["http"]["success"]))


def check_spec(spec: Spec) -> None:
    """Raise SpecError when the spec contradicts itself.

    Checked: every referenced model and enum exists; types are known; a
    JSON path never runs through a scalar; every intermediate JSON object is
    named in ``groups``; parameters bind to existing body properties with the
    same type; the default set exists.
    """
    problems: list[str] = []
    for m in spec.models.values():
        leaves: set[tuple[str, ...]] = set()
        for p in m.properties:
            if p.is_model and p.item_type not in spec.models:
                problems.append(f"{m.key}.{p.name}: unknown type {p.type!r}")
            if p.enum and p.enum not in spec.enums:
                problems.append(f"{m.key}.{p.name}: unknown enum {p.enum!r}")
            if p.enum and p.type != "string":
                problems.append(f"{m.key}.{p.name}: enums must be strings")
            if p.json_path in leaves:
                problems.append(f"{m.key}.{p.name}: JSON path {p.json_name} used twice")
            leaves.add(p.json_path)
        for column in m.table:
            if m.find(column) is None:
                problems.append(f"{m.key}: table column {column} is not a property")
        for prefix in m.group_paths:
            if prefix in leaves:
                problems.append(f"{m.key}: {'.'.join(prefix)} is both a value and an object")
            if ".".join(prefix) not in m.groups:
                problems.append(f"{m.key}: no Graph type named for group {'.'.join(prefix)}")
    c = spec.cmdlet
    if c.default_parameter_set not in c.parameter_sets:
        problems.append(f"default set {c.default_parameter_set} is not a parameter set")
    identity_keys = {p.json_name for p in spec.identity.properties}
    for name in c.path_names:
        binders = [p.name for p in c.parameters if p.path_parameter == name]
        if len(binders) != 1:
            problems.append(f"http.path {{{name}}}: bound by {binders or 'no parameter'}, not one")
        if c.binding("identity") and name not in identity_keys:
            problems.append(f"http.path {{{name}}}: the identity model has no key {name}")
    for param in c.parameters:
        if param.path_parameter and param.path_parameter not in c.path_names:
            problems.append(f"parameter {param.name}: http.path has no {{{param.path_parameter}}}")
    for param in c.parameters:
        if param.model and param.model not in spec.models:
            problems.append(f"parameter {param.name}: unknown model {param.model!r}")
        prop_name = param.body_property
        if prop_name:
            prop = spec.body.find(prop_name)
            if prop is None:
                problems.append(f"parameter {param.name}: body has no property {prop_name}")
            elif param.model and prop.item_type != param.model:
                problems.append(f"parameter {param.name}: model {param.model} != {prop.item_type}")
        for s in param.sets:
            if s not in c.parameter_sets:
                problems.append(f"parameter {param.name}: unknown set {s}")
    if problems:
        raise SpecError("bridge spec is inconsistent:\n  " + "\n  ".join(problems))


@functools.lru_cache(maxsize=None)
def load_spec() -> Spec:
    """Read, parse and check the packaged spec (cached: read once per process)."""
    models, enums = _parse_models(_read_yaml("models.yaml"))
    spec = Spec(cmdlet=_parse_cmdlet(_read_yaml("cmdlet.yaml")), models=models, enums=enums)
    check_spec(spec)
    return spec
