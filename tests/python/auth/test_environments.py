"""National clouds, user-defined environments and URL building."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from bridge._environments import (CA_FILE_ENV_VAR, GraphEnvironment, add_environment,
                                  build_ssl_context, get_environment, remove_environment)
from bridge._exceptions import BindingError

CLOUDS = {
    "Global": ("https://login.microsoftonline.com", "https://graph.microsoft.com"),
    "USGov": ("https://login.microsoftonline.us", "https://graph.microsoft.us"),
    "USGovDoD": ("https://login.microsoftonline.us", "https://dod-graph.microsoft.us"),
    "China": ("https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn"),
}


def test_built_ins_are_the_four_clouds_get_mgenvironment_lists() -> None:
    envs = get_environment()
    built_in = {e.name: (e.azure_ad_endpoint, e.graph_endpoint) for e in envs if e.is_built_in}
    assert built_in == CLOUDS
    assert [e.name for e in envs] == sorted((e.name for e in envs), key=str.lower)
    assert get_environment("Global").to_dict() == {
        "Name": "Global", "AzureADEndpoint": "https://login.microsoftonline.com",
        "GraphEndpoint": "https://graph.microsoft.com", "Type": "Built-in"}


@pytest.mark.parametrize("name", sorted(CLOUDS))
@pytest.mark.parametrize("version", ["v1.0", "beta"])
def test_url_building_for_every_cloud(name: str, version: str) -> None:
    login, graph = CLOUDS[name]
    env = get_environment(name.upper())  # names are case-insensitive
    assert env.authority("contoso.onmicrosoft.com") == f"{login}/contoso.onmicrosoft.com"
    assert env.scope == f"{graph}/.default"
    assert env.resource == graph
    assert env.qualify_scope("Synchronization.ReadWrite.All") == \
        f"{graph}/Synchronization.ReadWrite.All"
    assert env.jobs_url("a b/c", version) == \
        f"{graph}/{version}/applications/a%20b%2Fc/synchronization/jobs"


def test_authority_rejects_a_tenant_with_a_path() -> None:
    with pytest.raises(BindingError):
        get_environment("Global").authority("a/b")


def test_unknown_api_version_is_a_binding_error() -> None:
    with pytest.raises(BindingError, match="v1.0, beta"):
        get_environment("Global").jobs_url("x", "v2.0")


def test_add_get_remove_custom_environment(tmp_path: Path, unique: "object") -> None:
    name = "Canary-env"
    env = add_environment(name, "https://login.microsoftonline.com/",
                          "https://canary.graph.microsoft.com/")
    try:
        assert env == GraphEnvironment(name, "https://login.microsoftonline.com",
                                       "https://canary.graph.microsoft.com", "User-defined")
        assert get_environment("canary-ENV") is env
        assert env.to_dict()["Type"] == "User-defined"
        assert env.jobs_url("app") == \
            "https://canary.graph.microsoft.com/v1.0/applications/app/synchronization/jobs"
        with pytest.raises(BindingError, match="already exists"):
            add_environment(name, "https://a.example", "https://b.example")
    finally:
        assert remove_environment(name) is env
    with pytest.raises(BindingError, match="does not exist"):
        get_environment(name)


@pytest.mark.parametrize("name", ["Global", "global", "USGovDoD", "China"])
def test_built_ins_cannot_be_overwritten_or_removed(name: str) -> None:
    with pytest.raises(BindingError, match="built-in"):
        add_environment(name, "https://a.example", "https://b.example")
    with pytest.raises(BindingError, match="built-in"):
        remove_environment(name)
    assert get_environment(name).is_built_in


@pytest.mark.parametrize("login,graph", [
    ("http://login.example", "https://graph.example"),
    ("https://login.example", "graph.example"),
    ("", "https://graph.example"),
    ("https://login.example?x=1", "https://graph.example"),
])
def test_endpoints_must_be_https_urls(login: str, graph: str) -> None:
    with pytest.raises(BindingError):
        add_environment("Bad", login, graph)
    with pytest.raises(BindingError):
        get_environment("Bad")


def test_ca_file_must_be_readable(tmp_path: Path) -> None:
    with pytest.raises(BindingError, match="CA bundle"):
        add_environment("NoCa", "https://a.example", "https://b.example",
                        ca_file=str(tmp_path / "missing.pem"))
    bogus = tmp_path / "bogus.pem"
    bogus.write_text("not a certificate")
    with pytest.raises(BindingError, match="CA bundle"):
        add_environment("NoCa", "https://a.example", "https://b.example", ca_file=str(bogus))


def test_env_var_ca_file_is_checked_and_added(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path, info: "object") -> None:
    monkeypatch.setenv(CA_FILE_ENV_VAR, str(tmp_path / "missing.pem"))
    with pytest.raises(BindingError, match=CA_FILE_ENV_VAR):
        get_environment("Global").ssl_context()
    ca_file = getattr(info, "ca_file")
    monkeypatch.setenv(CA_FILE_ENV_VAR, ca_file)
    assert get_environment("Global").ca_files() == (ca_file,)


def test_ssl_context_always_verifies() -> None:
    context = build_ssl_context()
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is True
