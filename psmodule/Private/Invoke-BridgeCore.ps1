function Invoke-BridgeCore {
    <#
    .SYNOPSIS
        Send one protocol message to the Python core through the selected transport.
    .DESCRIPTION
        The single seam between the shim and the core: every command builds a message
        (op, args, debug) and calls this. Both transports carry the same messages
        (docs/protocol.md): 'pythonnet' (the core inside this pwsh process) and
        'subprocess' (one helper process per pwsh process, shared by all runspaces). Which one runs is
        Get-BridgeTransport's answer; when pythonnet cannot start in this process
        (an ErrorRecord with id MgBridgePythonNetUnavailable), the module falls back to
        the subprocess transport for the rest of the session (Switch-BridgeTransport).
        The first call through each transport checks the core's package version
        (Test-BridgeCoreVersion).
        SecureString values at the top level of args become text only inside the message.
    #>
    param([Parameter(Mandatory)][System.Collections.IDictionary]$Message)

    # A create's args (parameters, whatIf) hold no top-level SecureString: skip the copy (hot path).
    if ($Message['args'] -and $Message['op'] -ne 'invoke') { $Message['args'] = [MgBridge.BridgeJson]::PlainArguments($Message['args']) }
    # Hot path: the setting has not changed since the last call (one string comparison).
    # Read through .NET: a first $env: read goes through the provider (~10-20 ms).
    $transport = if ([string][System.Environment]::GetEnvironmentVariable('MGBRIDGE_TRANSPORT') -ceq $script:BridgeTransportRequested) {
        $script:BridgeTransport
    } else {
        Get-BridgeTransport
    }
    if ($transport -eq 'pythonnet') {
        try {
            if (-not $script:BridgePythonNetLoaded) { Import-BridgePythonNetTransport }
            if (-not $script:BridgeCoreChecked['pythonnet']) {
                $mismatch = Test-BridgeCoreVersion -Transport pythonnet
                if ($mismatch) { return $mismatch }
            }
            return Send-BridgePythonNetMessage -Message $Message
        } catch {
            if ($_.FullyQualifiedErrorId -notlike 'MgBridgePythonNetUnavailable*') { throw }
            Switch-BridgeTransport -Reason $_.Exception.Message
        }
    }
    if (-not $script:BridgeCoreChecked['subprocess']) {
        # This module instance's first call: the take-over and the version check in one C#
        # call; PowerShell's path (Test-BridgeCoreVersion) when a helper must be started.
        $state = $script:BridgeSubprocessState
        if ($null -eq $state) { $state = $script:BridgeSubprocessState = [MgBridge.HelperLauncher]::SharedState() }
        $early = $state['Early']
        if ($early -and -not $script:BridgeFormatDataLoaded -and -not $early.Ready) {
            # While the helper started at import is still starting Python, this thread would
            # only wait: load the format data meanwhile (a failure is left for the first
            # output to report).
            try { Import-BridgeFormatData } catch { $script:BridgeFormatDataLoaded = $false }
        }
        $first = [MgBridge.HelperLauncher]::FirstCall($state, $script:ModuleRoot, $script:BridgeRelease, (Get-BridgeModuleVersion), $PSCmdlet)
        if ($first -is [bool]) {
            if ($first) {
                $script:BridgeCoreChecked['subprocess'] = $true
            } else {
                $mismatch = Test-BridgeCoreVersion -Transport subprocess
                if ($mismatch) { return $mismatch }
            }
        } elseif ($null -ne $first) {
            return $first
        }
    }
    # Hot path: while the helper is up, one C# call does it all (each PowerShell statement here
    # costs a call 0.05-0.1 ms). A sign-in or a create waits on the network (and, at a session's
    # start, on the core's import): the format data is loaded in that wait, not after the answer.
    $waiting = if (-not $script:BridgeFormatDataLoaded -and $Message['op'] -in 'connect', 'invoke') {
        { try { Import-BridgeFormatData } catch { $script:BridgeFormatDataLoaded = $false } }
    }
    $response = [MgBridge.HelperCall]::TryCall($script:BridgeSubprocessState, $Message, $PSCmdlet, $waiting)
    if ($response -isnot [bool]) { return $response }
    Send-BridgeSubprocessMessage -Message $Message  # no helper up: it starts (or restarts) one first
}
