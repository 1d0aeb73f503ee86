function Invoke-BridgePythonHostFunction {
    # Call one host function (begin/step/cancel/setup) with one str argument and return its
    # str result as a .NET string. Every PyObject made here is disposed inside the GIL.
    # Use-BridgePython's GIL handling, inlined: this is on every call's hot path, and each
    # PowerShell function or script-block layer costs ~0.15 ms (docs/performance.md).
    # The GIL is taken inside the try, so no stop between two statements can leave it taken.
    param([hashtable]$State, [string]$Name, [string]$Argument)
    $gil = $null
    $arg = $null
    $result = $null
    try {
        $gil = $State.Py::GIL()
        $arg = $State.PyString::new($Argument)
        $result = $State.Host[$Name].Invoke($arg)
        [string]$result.ToString()
    } finally {
        if ($null -ne $result) { $result.Dispose() }
        if ($null -ne $arg) { $arg.Dispose() }
        if ($null -ne $gil) { $gil.Dispose() }
    }
}
