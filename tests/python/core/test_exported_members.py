"""The public names of the package: pinned, and every error class exported."""

import inspect

import bridge
from bridge import _exceptions


def test_all_names_exist():
    for name in bridge.__all__:
        assert hasattr(bridge, name), name


def test_every_exception_class_is_exported():
    classes = {n for n, o in inspect.getmembers(_exceptions, inspect.isclass)
               if issubclass(o, Exception) and o.__module__ == _exceptions.__name__}
    assert classes <= set(bridge.__all__)
    assert classes == set(_exceptions.__all__)


def test_error_tree():
    assert issubclass(bridge.BindingError, bridge.BridgeError)
    assert issubclass(bridge.ParameterSetError, bridge.BindingError)
    assert issubclass(bridge.RetryExhaustedError, bridge.TransportError)
    err = bridge.GraphError(404, "Request_ResourceNotFound", "gone", request_id="r")
    assert str(err) == "[Request_ResourceNotFound] : gone"
    assert err.error_id == "Request_ResourceNotFound" and err.status == 404


def test_py_typed_marker_is_shipped():
    from importlib import resources
    assert resources.files("bridge").joinpath("py.typed").is_file()
