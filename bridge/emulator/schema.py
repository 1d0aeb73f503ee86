"""The server's own view of ``microsoft.graph.synchronizationJob`` and the OData checks Graph runs.

This is deliberately independent of the client's spec: it is written from
Graph's published resource pages (synchronizationJob, synchronizationSchedule,
synchronizationStatus, synchronizationTaskExecution, synchronizationQuarantine,
synchronizationProgress, synchronizationSchema, synchronizationRule,
directoryDefinition, keyValuePair, stringKeyLongValuePair,
stringKeyStringValuePair, synchronizationError). Deeper parts of a schema
(``objectMappings``, ``objects``, filters) are accepted as any JSON object.

Error messages follow the OData library's wording (Graph passes them through),
e.g. ``The property 'x' does not exist on type 'microsoft.graph.synchronizationJob'...``.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Optional, Union

__all__ = ["ValidationError", "validate_job", "TYPES", "TIMESPAN_MAX", "parse_duration",
           "parse_datetime_offset"]

#: .NET ``TimeSpan.MaxValue`` as Graph prints it: the default schedule interval.
TIMESPAN_MAX = "P10675199DT2H48M5.4775807S"
_TIMESPAN_MAX_SECONDS = Decimal(10675199 * 86400 + 2 * 3600 + 48 * 60) + Decimal("5.4775807")
_INT64 = (-(2 ** 63), 2 ** 63 - 1)
_INT32 = (-(2 ** 31), 2 ** 31 - 1)

# Edm.Duration is xsd:dayTimeDuration: no years or months (OData's EdmValueParser rule).
_DURATION = re.compile(
    r"^(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")
_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7})\d*)?)?"
    r"(Z|[+-]\d{2}:\d{2})?$", re.IGNORECASE)


class ValidationError(Exception):
    """The body breaks Graph's contract; ``message`` is what Graph would say, ``path`` where."""

    def __init__(self, message: str, path: str = "", code: str = "BadRequest") -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.code = code


def parse_duration(text: str) -> Optional[Decimal]:
    """Seconds in an ISO 8601 day-time duration (``P1DT2H``, ``PT40M``), or None if invalid."""
    match = _DURATION.match(text)
    if not match or text.endswith("T") or text in ("P", "-P"):
        return None
    sign, days, hours, minutes, seconds = match.groups()
    total = (Decimal(days or 0) * 86400 + Decimal(hours or 0) * 3600
             + Decimal(minutes or 0) * 60 + Decimal(seconds or 0))
    return -total if sign else total


def parse_datetime_offset(text: str) -> Union[_dt.datetime, str]:
    """An aware datetime, or ``"no-offset"`` / ``"invalid"`` describing the problem."""
    match = _DATETIME.match(text)
    if not match:
        return "invalid"
    if match.group(8) is None:
        return "no-offset"
    year, month, day, hour, minute = (int(g) for g in match.groups()[:5])
    second = int(match.group(6) or 0)
    micro = int((match.group(7) or "0").ljust(7, "0")[:6])
    zone = match.group(8).upper()
    try:
        if zone == "Z":
            tz = _dt.timezone.utc
        else:
            sign = 1 if zone[0] == "+" else -1
            tz = _dt.timezone(sign * _dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
        return _dt.datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)
    except ValueError:
        return "invalid"


# -- the type model ------------------------------------------------------------


@dataclass(frozen=True)
class Primitive:
    """An Edm primitive: String, Boolean, Int32, Int64, DateTimeOffset, Duration."""

    edm: str


@dataclass(frozen=True)
class Enum:
    """An OData enum; values match case-insensitively and come back in canonical case."""

    name: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class Complex:
    """A complex (or entity) type; ``properties`` name other types by string for recursion."""

    name: str
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Collection:
    """``Collection(T)``: never null, items validated one by one."""

    item: Any


@dataclass(frozen=True)
class AnyObject:
    """A JSON object the emulator does not look into (deep schema parts)."""

    name: str


STRING = Primitive("Edm.String")
BOOLEAN = Primitive("Edm.Boolean")
INT32 = Primitive("Edm.Int32")
INT64 = Primitive("Edm.Int64")
DATETIME = Primitive("Edm.DateTimeOffset")
DURATION = Primitive("Edm.Duration")

_NS = "microsoft.graph."

#: Every type the emulator checks, by short name.
TYPES: dict[str, Any] = {
    "synchronizationJob": Complex(_NS + "synchronizationJob", {
        "id": STRING, "templateId": STRING, "schedule": "synchronizationSchedule",
        "status": "synchronizationStatus",
        "synchronizationJobSettings": Collection("keyValuePair"),
        "schema": "synchronizationSchema", "bulkUpload": "bulkUpload"}),
    "synchronizationSchedule": Complex(_NS + "synchronizationSchedule", {
        "expiration": DATETIME, "interval": DURATION,
        "state": Enum(_NS + "synchronizationScheduleState",
                      ("Active", "Disabled", "Paused", "unknownFutureValue"))}),
    "synchronizationStatus": Complex(_NS + "synchronizationStatus", {
        "code": Enum(_NS + "synchronizationStatusCode",
                     ("NotConfigured", "NotRun", "Active", "Paused", "Quarantine")),
        "countSuccessiveCompleteFailures": INT64, "escrowsPruned": BOOLEAN,
        "lastExecution": "synchronizationTaskExecution",
        "lastSuccessfulExecution": "synchronizationTaskExecution",
        "lastSuccessfulExecutionWithExports": "synchronizationTaskExecution",
        "progress": Collection("synchronizationProgress"),
        "quarantine": "synchronizationQuarantine",
        "steadyStateFirstAchievedTime": DATETIME, "steadyStateLastAchievedTime": DATETIME,
        "synchronizedEntryCountByType": Collection("stringKeyLongValuePair"),
        "troubleshootingUrl": STRING}),
    "synchronizationTaskExecution": Complex(_NS + "synchronizationTaskExecution", {
        "activityIdentifier": STRING, "countEntitled": INT64,
        "countEntitledForProvisioning": INT64, "countEscrowed": INT64,
        "countEscrowedRaw": INT64, "countExported": INT64, "countExports": INT64,
        "countImported": INT64, "countImportedDeltas": INT64,
        "countImportedReferenceDeltas": INT64, "error": "synchronizationError",
        "state": Enum(_NS + "synchronizationTaskExecutionResult",
                      ("Succeeded", "Failed", "EntryLevelErrors")),
        "timeBegan": DATETIME, "timeEnded": DATETIME}),
    "synchronizationError": Complex(_NS + "synchronizationError", {
        "code": STRING, "message": STRING, "tenantActionable": BOOLEAN}),
    "synchronizationQuarantine": Complex(_NS + "synchronizationQuarantine", {
        "currentBegan": DATETIME, "nextAttempt": DATETIME,
        "reason": Enum(_NS + "quarantineReason", (
            "EncounteredBaseEscrowThreshold", "EncounteredTotalEscrowThreshold",
            "EncounteredEscrowProportionThreshold", "EncounteredQuarantineException",
            "Unknown", "QuarantinedOnDemand", "TooManyDeletes", "IngestionInterrupted")),
        "seriesBegan": DATETIME, "seriesCount": INT64, "error": "synchronizationError"}),
    "synchronizationProgress": Complex(_NS + "synchronizationProgress", {
        "completedUnits": INT64, "progressObservationDateTime": DATETIME,
        "totalUnits": INT64, "units": STRING}),
    "stringKeyLongValuePair": Complex(_NS + "stringKeyLongValuePair", {
        "key": STRING, "value": INT64}),
    "stringKeyStringValuePair": Complex(_NS + "stringKeyStringValuePair", {
        "key": STRING, "value": STRING}),
    "keyValuePair": Complex(_NS + "keyValuePair", {"name": STRING, "value": STRING}),
    "bulkUpload": Complex(_NS + "bulkUpload", {"id": STRING}),
    "synchronizationSchema": Complex(_NS + "synchronizationSchema", {
        "id": STRING, "version": STRING,
        "synchronizationRules": Collection("synchronizationRule"),
        "directories": Collection("directoryDefinition")}),
    "synchronizationRule": Complex(_NS + "synchronizationRule", {
        "containerFilter": AnyObject(_NS + "containerFilter"), "editable": BOOLEAN,
        "groupFilter": AnyObject(_NS + "groupFilter"), "id": STRING,
        "metadata": Collection("stringKeyStringValuePair"), "name": STRING,
        "objectMappings": Collection(AnyObject(_NS + "objectMapping")), "priority": INT32,
        "sourceDirectoryName": STRING, "targetDirectoryName": STRING}),
    "directoryDefinition": Complex(_NS + "directoryDefinition", {
        "discoverabilities": STRING, "discoveryDateTime": DATETIME, "id": STRING,
        "metadata": Collection("stringKeyStringValuePair"), "name": STRING,
        "objects": Collection(AnyObject(_NS + "objectDefinition")), "readOnly": BOOLEAN,
        "version": STRING}),
}


def _resolve(kind: Any) -> Any:
    return TYPES[kind] if isinstance(kind, str) else kind


def _type_name(kind: Any) -> str:
    kind = _resolve(kind)
    if isinstance(kind, Primitive):
        return kind.edm
    if isinstance(kind, Collection):
        return f"Collection({_type_name(kind.item)})"
    return str(kind.name)


def _node(value: Any) -> str:
    if isinstance(value, dict):
        return "StartObject"
    if isinstance(value, list):
        return "StartArray"
    return "PrimitiveValue"


def _unexpected(value: Any, wanted: str, path: str) -> ValidationError:
    return ValidationError(
        f"An unexpected '{_node(value)}' node was found when reading from the JSON reader. "
        f"A '{wanted}' node was expected.", path)


def _check_primitive(kind: Primitive, value: Any, path: str) -> Any:
    if isinstance(value, (dict, list)):
        name = path.rsplit(".", 1)[-1]
        raise ValidationError(
            f"An unexpected '{_node(value)}' node was found for property named '{name}' when "
            "reading from the JSON reader. A 'PrimitiveValue' node was expected.", path)
    conversion = ValidationError(
        f"Cannot convert a primitive value to the expected type '{kind.edm}'. "
        "See the inner exception for more details.", path)
    if kind is STRING:
        if not isinstance(value, str):
            raise conversion
        return value
    if kind is BOOLEAN:
        if not isinstance(value, bool):
            raise conversion
        return value
    if kind in (INT32, INT64):
        low, high = _INT32 if kind is INT32 else _INT64
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise conversion
        return value
    if not isinstance(value, str):
        raise conversion
    if kind is DURATION:
        seconds = parse_duration(value)
        if seconds is None or abs(seconds) > _TIMESPAN_MAX_SECONDS:
            raise ValidationError(
                f"Cannot convert the literal '{value}' to the expected type 'Edm.Duration'.", path)
        return value
    parsed = parse_datetime_offset(value)
    if parsed == "no-offset":
        raise ValidationError(
            f"The time zone information is missing on the DateTimeOffset value '{value}'. "
            "A DateTimeOffset value must contain the time zone information.", path)
    if not isinstance(parsed, _dt.datetime):
        raise ValidationError(
            f"Cannot convert the literal '{value}' to the expected type 'Edm.DateTimeOffset'.",
            path)
    return value


def _check(kind: Any, value: Any, path: str, strict: bool) -> Any:
    kind = _resolve(kind)
    if value is None:
        if isinstance(kind, Collection):
            name = path.rsplit(".", 1)[-1]
            typ = _type_name(kind)
            raise ValidationError(
                f"A null value was found for the property named '{name}', which has the "
                f"expected type '{typ}[Nullable=False]'. The expected type "
                f"'{typ}[Nullable=False]' does not allow null values.", path)
        return None
    if isinstance(kind, Primitive):
        return _check_primitive(kind, value, path)
    if isinstance(kind, Enum):
        if not isinstance(value, str):
            if isinstance(value, (dict, list)):
                raise _unexpected(value, "PrimitiveValue", path)
            raise ValidationError(
                f"Cannot convert a primitive value to the expected type '{kind.name}'. "
                "See the inner exception for more details.", path)
        for member in kind.members:
            if member.lower() == value.lower():
                return member
        raise ValidationError(
            f"Cannot convert the literal '{value}' to the expected type '{kind.name}'.", path)
    if isinstance(kind, Collection):
        if not isinstance(value, list):
            raise _unexpected(value, "StartArray", path)
        return [_check(kind.item, item, f"{path}[{i}]", strict) for i, item in enumerate(value)]
    if isinstance(kind, AnyObject):
        if not isinstance(value, dict):
            raise _unexpected(value, "StartObject", path)
        return value
    assert isinstance(kind, Complex)
    if not isinstance(value, dict):
        raise _unexpected(value, "StartObject", path)
    result: dict[str, Any] = {}
    for name, item in value.items():
        where = f"{path}.{name}" if path else name
        if name == "@odata.type":
            declared = str(item).lstrip("#")
            if declared != kind.name:
                raise ValidationError(
                    f"A type named '{item}' could not be resolved by the model. When a model is "
                    "available, each type name must resolve to a valid type.", where)
            result[name] = item
            continue
        if "@" in name:
            # Instance and property annotations (``x@odata.type``) are legal OData; kept as sent.
            result[name] = item
            continue
        if name not in kind.properties:
            if strict:
                raise ValidationError(
                    f"The property '{name}' does not exist on type '{kind.name}'. Make sure to "
                    "only use property names that are defined by the type or mark the type as "
                    "open type.", where)
            result[name] = item
            continue
        result[name] = _check(kind.properties[name], item, where, strict)
    return result


def validate_job(body: Any, strict: bool = True) -> dict[str, Any]:
    """Check a create-job body the way Graph does and return it normalized.

    Enum values come back in canonical case; everything else as sent.

    Raises:
        ValidationError: the first problem found, with Graph's wording.
    """
    if not isinstance(body, dict):
        raise _unexpected(body, "StartObject", "")
    job = _check("synchronizationJob", body, "", strict)
    template = job.get("templateId")
    if not isinstance(template, str) or not template.strip():
        # Graph's docs: "The only required property is templateId."
        raise ValidationError("The templateId property is required and cannot be empty.",
                              "templateId")
    return dict(job)
