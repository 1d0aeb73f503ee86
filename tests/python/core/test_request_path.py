"""The one URL builder: the spec's http.path, filled from the parameters its binds: name."""

import dataclasses

import pytest

from bridge._exceptions import SpecError
from bridge._request import PathValueError, expand_path, graph_url, jobs_path
from bridge._spec import check_spec, load_spec


def test_the_job_collection_is_the_specs_path() -> None:
    cmdlet = load_spec().cmdlet
    assert cmdlet.path_names == ("application-id",)
    assert cmdlet.path_binder("application-id").name == "ApplicationId"
    assert jobs_path("a/b c") == cmdlet.http_path.replace("{application-id}", "a%2Fb%20c")


@pytest.mark.parametrize("value", [".", ".."])
def test_dot_segments_are_refused(value: str) -> None:
    with pytest.raises(PathValueError) as excinfo:
        expand_path("/a/{k}/b", {"k": value})
    assert (excinfo.value.name, excinfo.value.value) == ("k", value)


def test_no_value_adds_a_segment_query_or_fragment() -> None:
    assert expand_path("/a/{k}/b", {"k": "../x?y#z%"}) == "/a/..%2Fx%3Fy%23z%25/b"


def test_graph_url_joins_endpoint_version_and_path() -> None:
    assert graph_url("https://h/", "beta", "/p") == "https://h/beta/p"


def test_the_spec_is_checked_for_unbound_placeholders() -> None:
    spec = load_spec()
    broken = dataclasses.replace(spec.cmdlet, http_path="/applications/{app}/jobs")
    with pytest.raises(SpecError, match=r"\{app\}: bound by no parameter"):
        check_spec(dataclasses.replace(spec, cmdlet=broken))
