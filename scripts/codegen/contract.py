"""Render the seed's contract sections (SYNTAX, PARAMETERS, NOTES) from the spec.

The drift tests compare these renderings with the facts kept in
``tests/golden/seed/``; the help generator reuses them.
"""

from __future__ import annotations

from typing import Any

from bridge._spec import PS_SCALAR_NAMES, ModelSpec, ParameterSpec, PropertySpec, Spec

__all__ = ["syntax_lines", "render_syntax", "render_notes", "parameter_table", "ps_type_name",
           "short_type"]


def short_type(dotnet: str) -> str:
    """``System.String`` -> ``String``; ``Microsoft.Graph...IMicrosoftGraphX[]`` -> ``IMicrosoftGraphX[]``."""
    return dotnet.rsplit(".", 1)[-1] if not dotnet.endswith("[]") else \
        dotnet[:-2].rsplit(".", 1)[-1] + "[]"


def _syntax_order(spec: Spec, set_name: str) -> list[ParameterSpec]:
    # Declaration order (the spec's), mandatory ones first, as Get-Command -Syntax prints.
    params = [p for p in spec.cmdlet.parameters_in(set_name) if not p.common and not p.runtime]
    mandatory = [p for p in params if p.mandatory_in(set_name)]
    optional = [p for p in params if not p.mandatory_in(set_name)]
    common = sorted((p for p in spec.cmdlet.parameters_in(set_name) if p.common),
                    key=lambda p: p.name)
    return mandatory + optional + common


def syntax_lines(spec: Spec, set_name: str) -> list[str]:
    """The tokens of one SYNTAX entry, in platyPS order (mandatory, optional, switches)."""
    tokens = [spec.cmdlet.name]
    for p in _syntax_order(spec, set_name):
        if p.type == "System.Management.Automation.SwitchParameter":
            tokens.append(f"[-{p.name}]")
        elif p.mandatory_in(set_name):
            tokens.append(f"-{p.name} <{short_type(p.type)}>")
        else:
            tokens.append(f"[-{p.name} <{short_type(p.type)}>]")
    tokens.append("[<CommonParameters>]")
    return tokens


def _wrap_tokens(tokens: list[str], width: int) -> list[str]:
    """Wrap whole tokens (a parameter and its type never split), indenting by one space."""
    lines = [tokens[0]]
    for token in tokens[1:]:
        if len(lines[-1]) + 1 + len(token) > width:
            lines.append(" " + token)
        else:
            lines[-1] += " " + token
    return lines


def render_syntax(spec: Spec, width: int = 110) -> str:
    """All four SYNTAX entries as platyPS writes them (wrapped at ``width``)."""
    out = []
    for s in spec.cmdlet.parameter_sets:
        title = f"### {s}" + (" (Default)" if s == spec.cmdlet.default_parameter_set else "")
        out.append(title + "\n" + "\n".join(_wrap_tokens(syntax_lines(spec, s), width)) + "\n")
    return "\n".join(out)


def ps_type_name(spec: Spec, prop: PropertySpec) -> str:
    """The type as NOTES show it: ``String``, ``Int64?``, ``IMicrosoftGraphX[]``."""
    if prop.is_model:
        base = spec.models[prop.item_type].interface
        return base + ("[]" if prop.is_array else "")
    base = PS_SCALAR_NAMES[prop.item_type]
    if prop.is_array:
        return base + "[]"
    return base if prop.item_type == "string" else base + "?"


def _notes_tree(spec: Spec, model: ModelSpec, depth: int, seen: set[str], out: list[str]) -> None:
    for prop in model.properties:
        out.append(f"{'  ' * depth}- `[{prop.name} <{ps_type_name(spec, prop)}>]`: "
                   f"{prop.description}")
        if prop.is_model and prop.item_type not in seen:
            seen.add(prop.item_type)
            _notes_tree(spec, spec.models[prop.item_type], depth + 1, seen, out)


def render_notes(spec: Spec) -> str:
    """The NOTES 'COMPLEX PARAMETER PROPERTIES' trees, one per model-typed parameter.

    A model's properties are listed the first time it appears in a tree (as
    platyPS does), so recursive types terminate.
    """
    blocks = []
    for p in sorted(spec.cmdlet.contract_parameters, key=lambda p: p.name):  # platyPS sorts by name
        if not p.model:
            continue
        model = spec.models[p.model]
        type_name = short_type(p.type)
        title_desc = p.description.split("\n")[0]
        lines = [f"#### {p.name.upper()} <{type_name}>: {title_desc}"]
        _notes_tree(spec, model, 1, {model.key}, lines)
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def parameter_table(spec: Spec) -> dict[str, dict[str, Any]]:
    """The PARAMETERS metadata as the seed's yaml blocks hold it, per parameter."""
    table: dict[str, dict[str, Any]] = {}
    for p in spec.cmdlet.contract_parameters:  # DontShow ones are not in platyPS help
        all_sets = set(p.sets) == set(spec.cmdlet.parameter_sets) and p.common
        sets = "(All)" if all_sets else ", ".join(sorted(p.sets))
        mandatory = {p.mandatory_in(s) for s in p.sets}
        required: Any = mandatory.pop() if len(mandatory) == 1 else \
            ", ".join(f"{s}" for s in sorted(p.sets) if p.mandatory_in(s))
        table[p.name] = {
            "Type": p.type,
            "Parameter Sets": sets,
            "Aliases": ", ".join(p.aliases) if p.aliases else None,
            "Required": required,
            "Position": p.position,
            "Default value": "None",
            "Accept pipeline input": f"True ({p.pipeline})" if p.pipeline else False,
            "Accept wildcard characters": False,
            "Dynamic": False,
            "Description": p.description,
        }
    return table
