function Send-BridgeSubprocessMessage {
    <#
    .SYNOPSIS
        The subprocess transport: send one message to the helper and wait for its answer.
    .DESCRIPTION
        The helper is one per pwsh process, shared by every runspace (Get-BridgeSubprocessState).
        Calls are multiplexed by request id (ids are unique per process, [MgBridge.BridgeRequestId]):
        each call registers its id with the helper's reader, sends its line and waits for
        the lines carrying its id, so calls from several runspaces are in flight at once
        (the helper runs each request on a thread of its own). Sending, the wait and the
        decoding are [MgBridge.HelperCall]::Call, in C# as the hot path: the answer is waited
        for in 50 ms slices, which end at once when Ctrl+C stops the pipeline
        ($PSCmdlet.Stopping); a request that was sent is then cancelled (the helper answers it
        with OperationStopped at once and keeps serving, and the late answer is dropped).
        Events for the request (the device-code prompt) are shown as they come.

        The process-wide lock is held only to start the helper. The first call takes over the
        helper started at import ([MgBridge.HelperLauncher]::TakeOver) when it fits; otherwise
        Start-BridgeHelper searches and starts one. A helper that is gone is restarted before
        sending, and its journal replayed (Restore-BridgeSession) while other runspaces' calls
        wait for it; a helper that dies during the call yields a HelperExited error.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][System.Collections.IDictionary]$Message)

    $state = if ($null -ne $script:BridgeSubprocessState) { $script:BridgeSubprocessState } else { Get-BridgeSubprocessState }
    $helper = $state.Helper
    if (-not $helper -or $state['Starting'] -or $helper.HasExited) {
        # Start (or restart) under the lock. It is re-entrant: the replay of
        # Restore-BridgeSession comes back here on the starting thread and goes on.
        $lock = $state.Lock
        $locked = $false
        try {
            while (-not $locked) { $locked = [System.Threading.Monitor]::TryEnter($lock, 50) }
            if (-not $state['Starting']) {
                # Other runspaces' calls wait on the lock until the new helper has its session back.
                $state['Starting'] = $true
                try {
                    $helper = $state.Helper
                    if ($helper -and $helper.HasExited) {
                        $code = $helper.ExitCode
                        $state.Helper = $null
                        $helper.Dispose()
                        Start-BridgeHelper -Reason ("MgBridge: the Python helper (pid $($state.Info.Pid)) had exited " +
                            "(exit code $code); started a new one and restored this session's settings and connection.")
                    } elseif (-not $helper) {
                        if (-not [MgBridge.HelperLauncher]::TakeOver($state, $script:ModuleRoot, $script:BridgeRelease, $PSCmdlet)) {
                            Start-BridgeHelper  # no helper from import that fits: search and start one
                        } elseif ($state.Journal.Count) {
                            Restore-BridgeSession  # a helper had died before this runspace imported the module
                        }
                    }
                } finally {
                    $state['Starting'] = $false
                }
            }
        } finally {
            if ($locked) { [System.Threading.Monitor]::Exit($lock) }
        }
        $helper = $state.Helper
    }

    $id = [MgBridge.BridgeRequestId]::Next()
    # Send, wait (Ctrl+C ends the wait and cancels the request), decode: [MgBridge.HelperCall]
    # (the line, which may hold a secret, stays in C#). $null when stopped: nothing is output.
    $response = [MgBridge.HelperCall]::Call($state, $helper, $Message, $id, $PSCmdlet)
    if ($null -ne $response) { $response }
}
