function Wait-BridgeDebugger {
    <#
    .SYNOPSIS
        -Break, as the SDK's generated cmdlets do it: wait for a .NET debugger, then break.
    .DESCRIPTION
        Microsoft's cmdlets (AutoRest's AttachDebugger.Break) print "Waiting for debugger to
        attach to process <pid>" and poll until a debugger attaches, then call
        Debugger.Break(). This does the same in an interactive session (Ctrl+C stops the
        wait; nothing is sent). Where no debugger can attach -- a non-interactive session
        (-NonInteractive, redirected input, CI) or a kernel that forbids attaching
        (ptrace_scope 3) -- waiting would hang forever, so it says so with a warning and the
        call goes on. The request itself is built and sent by the Python core, which a .NET
        debugger does not step into; -Debug shows the HTTP request and response.
    #>
    param([Parameter(Mandatory)][System.Management.Automation.PSCmdlet]$Cmdlet)
    if ([System.Diagnostics.Debugger]::IsAttached) {
        [System.Diagnostics.Debugger]::Break()
        return
    }
    $obstacle = Get-BridgeDebuggerObstacle
    if ($obstacle) {
        $Cmdlet.WriteWarning("-Break: no .NET debugger can attach here ($obstacle), so the call goes on " +
            'without breaking. MgBridge builds and sends the request in its Python core; -Debug shows ' +
            'the HTTP request and response.')
        return
    }
    $core = if ($script:BridgeTransport -eq 'subprocess') { 'in its Python helper process' } else { 'in Python inside this process' }
    [Console]::Error.WriteLine("Waiting for debugger to attach to process $PID (Ctrl+C to stop). MgBridge builds " +
        "and sends the request $core, which a .NET debugger does not step into; -Debug shows the HTTP request and response.")
    while (-not [System.Diagnostics.Debugger]::IsAttached) {
        # Polling is the SDK's way too: the runtime raises no event when a debugger attaches.
        for ($i = 0; $i -lt 50 -and -not [System.Diagnostics.Debugger]::IsAttached; $i++) {
            Start-Sleep -Milliseconds 100
            [Console]::Error.Write('.')
        }
        [Console]::Error.WriteLine()
    }
    [System.Diagnostics.Debugger]::Break()
}
