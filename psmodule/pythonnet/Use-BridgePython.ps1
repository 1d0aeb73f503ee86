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
