"""Scalar conversions: DateTime, TimeSpan, integers, booleans, strings, enums."""

from datetime import datetime, timedelta, timezone

import pytest

from bridge._spec import load_spec
from bridge._values import (parse_duration_ticks, ticks_to_iso, to_json_bool, to_json_datetime,
                            to_json_enum, to_json_int, to_json_string, to_json_timespan)


@pytest.mark.parametrize("value,expected", [
    (datetime(2024, 5, 1, 8, 0, tzinfo=timezone.utc), "2024-05-01T08:00:00Z"),
    (datetime(2024, 5, 1, 10, 0, tzinfo=timezone(timedelta(hours=2))), "2024-05-01T08:00:00Z"),
    (datetime(2024, 5, 1, 8, 0, 0, 250000, tzinfo=timezone.utc), "2024-05-01T08:00:00.25Z"),
    ("2024-05-01T08:00:00Z", "2024-05-01T08:00:00Z"),
    ("2024-05-01T08:00:00.1234567Z", "2024-05-01T08:00:00.1234567Z"),  # .NET "o": 100 ns kept
    ("2024-05-01T08:00:00.0000001Z", "2024-05-01T08:00:00.0000001Z"),
    ("9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.9999999Z"),  # DateTime.MaxValue
    ("2024-05-01T09:30:00+01:30", "2024-05-01T08:00:00Z"),
    ("2024-05-01", "2024-05-01T00:00:00Z"),
])
def test_datetime_to_graph_utc(value, expected, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    assert to_json_datetime(value) == expected


def test_naive_datetime_is_local_time_and_offsetless_string_is_utc(monkeypatch):
    import time
    monkeypatch.setenv("TZ", "Asia/Kolkata")  # UTC+05:30
    time.tzset()
    try:
        assert to_json_datetime(datetime(2024, 5, 1, 13, 30)) == "2024-05-01T08:00:00Z"
        # As the SDK sends a string from a hashtable: no offset means UTC, not local.
        assert to_json_datetime("2030-01-02T03:04:05") == "2030-01-02T03:04:05Z"
        assert to_json_datetime("2030-01-02T03:04:05.1234567") == "2030-01-02T03:04:05.1234567Z"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


@pytest.mark.parametrize("bad", ["2024-05-01T08:00:00.12345678Z", "0001-01-01T00:00:00+01:00",
                                 "2024-13-01T00:00:00Z", 20240501])
def test_datetime_rejects(bad):
    with pytest.raises(ValueError):
        to_json_datetime(bad)


@pytest.mark.parametrize("value,expected", [
    (timedelta(minutes=40), "PT40M"),
    ("PT40M", "PT40M"),
    ("00:40:00", "PT40M"),
    ("1.02:00:00", "P1DT2H"),
    ("P1DT2H", "P1DT2H"),
    (timedelta(0), "PT0S"),
    ("P10675199DT2H48M5.4775807S", "P10675199DT2H48M5.4775807S"),  # TimeSpan.MaxValue
    ("00:00:01.5", "PT1.5S"),
    ("P1W", "P7D"),
    ("P1M", "P30D"),  # XmlConvert reads a month as 30 days
    ("-PT5M", "-PT5M"),
    (timedelta(days=-1), "-P1D"),
])
def test_timespan_to_iso_duration(value, expected):
    assert to_json_timespan(value) == expected


@pytest.mark.parametrize("bad", [40, 4.5, "forty minutes", "PT", "P", "25:00:00", "00:61:00", None, [1]])
def test_timespan_rejects(bad):
    with pytest.raises(ValueError, match="TimeSpan"):
        to_json_timespan(bad)


def test_timespan_beyond_max_value_is_refused():
    with pytest.raises(ValueError, match="MaxValue"):
        to_json_timespan("P10675199DT2H48M5.4775808S")


def test_ticks_round_trip():
    for ticks in [0, 1, 10_000_000, 864_000_000_000 + 7, 2**63 - 1]:
        assert parse_duration_ticks(ticks_to_iso(ticks)) == ticks


@pytest.mark.parametrize("value,bits,expected", [(5, 32, 5), (5.0, 64, 5), ("-12", 64, -12),
                                                 (2**31 - 1, 32, 2**31 - 1)])
def test_int_accepts(value, bits, expected):
    assert to_json_int(value, bits) == expected


@pytest.mark.parametrize("value,bits", [(2**31, 32), (2**63, 64), (True, 32), (1.5, 32), ("1e3", 64)])
def test_int_rejects(value, bits):
    with pytest.raises(ValueError, match=f"Int{bits}"):
        to_json_int(value, bits)


def test_bool_is_strict():
    assert to_json_bool(False) is False
    for bad in ["true", 1, 0, None]:
        with pytest.raises(ValueError, match="Boolean"):
            to_json_bool(bad)


def test_string_converts_numbers_but_not_booleans():
    assert to_json_string(5) == "5"
    with pytest.raises(ValueError, match="String"):
        to_json_string(True)
    with pytest.raises(ValueError, match="String"):
        to_json_string({"a": 1})


def test_enum_case_insensitive_in_graph_casing():
    enums = load_spec().enums
    assert to_json_enum("pAUSED", enums["synchronizationScheduleState"]) == "Paused"
    assert to_json_enum("add, UPDATE,delete", enums["objectFlowTypes"]) == "Add,Update,Delete"
    with pytest.raises(ValueError, match="Active, Disabled, Paused"):
        to_json_enum("Running", enums["synchronizationScheduleState"])
    with pytest.raises(ValueError, match="comma-separated"):
        to_json_enum("Add,Move", enums["objectFlowTypes"])
