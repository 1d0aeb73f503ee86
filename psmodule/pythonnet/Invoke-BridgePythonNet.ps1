function Invoke-BridgePythonNet {
    <#
    .SYNOPSIS
        The pythonnet transport: one protocol message (JSON text) in, its response (JSON text) out.
    .DESCRIPTION
        The same messages as the subprocess transport (docs/protocol.md), handled by
        bridge.protocol.dispatch inside this pwsh process. Python starts on the first call
        (Initialize-BridgePythonNet), not at import.

        The call itself is [MgBridge.PythonNetCall]::Call (psmodule/custom/PythonNetCall.cs).
        The request runs in the core's call runner (bridge/protocol/_runner.py, the same
        as the subprocess helper's) on a Python worker thread; this thread waits in slices of 50 ms,
        taking the GIL only for each short begin/step call, so other runspaces and threads
        run meanwhile, and a stopped pipeline (Ctrl+C, StopProcessing) is noticed between
        slices: the finally block then cancels the ticket and the call returns at once,
        while the request finishes in the background and its answer is dropped (the
        subprocess transport's 'cancel' does the same; an HTTP call in flight cannot be
        interrupted safely in either). The ticket is chosen here before 'begin' is called,
        so a stop that lands as 'begin' returns still cancels it.

        A Python exception never escapes as a .NET exception: dispatch turns failures into
        'ok: false' responses itself, and anything raised around it (the core fails to
        import, the host breaks) becomes a response of the same shape with errorId
        InternalError. Only a Python that cannot start throws (an ErrorRecord with id
        MgBridgePythonNetUnavailable), so the caller can fall back to the subprocess
        transport.
    .PARAMETER Json
        One request message, e.g. '{"v":1,"id":1,"op":"hello"}'.
    .PARAMETER OnEvent
        Called with each event's JSON text (the device-code prompt) while the call runs,
        on this thread. Without it, events are dropped.
    .OUTPUTS
        System.String: the response message's JSON text.
    .EXAMPLE
        Invoke-BridgePythonNet -Json '{"v":1,"id":1,"op":"profile","args":{"action":"get"}}'
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory, Position = 0)][AllowEmptyString()][string]$Json,
        [scriptblock]$OnEvent
    )
    $state = Get-BridgePythonNetReadyState
    # The loop (begin, step in slices, cancel on a stop) is [MgBridge.PythonNetCall]'s; null
    # means the pipeline was stopped, and PowerShell ends it at the next statement.
    [MgBridge.PythonNetCall]::Call($state, $Json, $PSCmdlet, $OnEvent)
}
