"""Resolve the parameter set of a call, as PowerShell's parameter binder does."""

from __future__ import annotations

from typing import Sequence

from ._exceptions import BindingError, ParameterSetError
from ._spec import CmdletSpec

__all__ = ["resolve_parameter_set"]


def resolve_parameter_set(cmdlet: CmdletSpec, supplied: Sequence[str]) -> str:
    """The parameter set PowerShell would choose for these parameter names.

    Raises ParameterSetError when the names match no set together, or when
    mandatory parameters are missing in every candidate set.
    """
    params = [cmdlet.parameter(n) for n in supplied]
    candidates = [s for s in cmdlet.parameter_sets if all(s in p.sets for p in params)]
    if not candidates:
        own = [p.name for p in params if not p.common]
        conflicts = ", ".join(f"-{p.name} ({'/'.join(p.sets)})" for p in params if not p.common)
        raise ParameterSetError(
            "Parameter set cannot be resolved using the specified named parameters. "
            f"These parameters cannot be used together: {conflicts}.",
            parameter=own[0] if own else None, expected="parameters of one parameter set")
    complete = [s for s in candidates
                if all(p.name in supplied for p in cmdlet.parameters_in(s) if p.mandatory_in(s))]
    if len(complete) == 1:
        return complete[0]
    if complete:
        if cmdlet.default_parameter_set in complete:
            return cmdlet.default_parameter_set
        # PowerShell prefers the set that uses the most supplied parameters fully.
        return complete[0]

    def missing(s: str) -> list[str]:
        return [p.name for p in cmdlet.parameters_in(s)
                if p.mandatory_in(s) and p.name not in supplied]

    if cmdlet.default_parameter_set in candidates or len(candidates) == 1:
        chosen = (cmdlet.default_parameter_set if cmdlet.default_parameter_set in candidates
                  else candidates[0])
        names = missing(chosen)
        raise BindingError(
            "Cannot process command because of one or more missing mandatory parameters: "
            f"{' '.join(names)}.", parameter=names[0],
            expected=f"-{names[0]} (parameter set {chosen})")
    options = "; or ".join(f"{', '.join('-' + n for n in missing(s))} (parameter set {s})"
                           for s in candidates)
    raise ParameterSetError(
        "Parameter set cannot be resolved using the specified named parameters. "
        f"Also give {options}.", parameter=missing(candidates[0])[0],
        expected=f"one of: {options}")

