function Use-BridgePython {
    <#
    .SYNOPSIS
        Run a script block with the Python GIL held, and release it on the same thread.
    .DESCRIPTION
        The one place that takes the GIL (as snek's Use-Python does): Py.GIL() before,
        Dispose() in finally, so an exception never leaves the GIL taken. The script
        block must copy what it needs out of Python ([string] values) before it ends and
        must never output a PyObject: PowerShell would enumerate it (PyObject is
        IEnumerable and dynamic) after the GIL is gone.
    .PARAMETER State
        The process-wide state (Get-BridgePythonNetState) of an initialized runtime.
    .PARAMETER ScriptBlock
        What to run with the GIL; it receives the state as $args[0].
    .EXAMPLE
        Use-BridgePython -State $state { param($s) $s.Version }
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][hashtable]$State,
        [Parameter(Mandatory, Position = 0)][scriptblock]$ScriptBlock
    )
    $gil = $null
    try {
        $gil = $State.Py::GIL()
        & $ScriptBlock $State
    } finally {
        if ($null -ne $gil) { $gil.Dispose() }
    }
}

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
