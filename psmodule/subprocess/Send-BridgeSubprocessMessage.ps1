function Send-BridgeSubprocessMessage {
    <#
    .SYNOPSIS
        The subprocess transport: send one message to the helper and wait for its answer.
    .DESCRIPTION
        The helper is one per pwsh process, shared by every runspace (Get-BridgeSubprocessState).
        Calls are multiplexed by request id (ids are unique per process, Get-BridgeRequestId):
        each call registers its id with the helper's reader, sends its line and waits for
        the lines carrying its id, so calls from several runspaces are in flight at once
        (the helper runs each request on a thread of its own). The answer is waited for in
        50 ms slices ([MgBridge.HelperCall], in C# as the hot path), which end at once when
        Ctrl+C stops the pipeline ($PSCmdlet.Stopping); after the
        request was sent the finally block sends 'cancel' for it, the helper answers it
        with OperationStopped at once and keeps serving, and the late answer is dropped.
        Events for the request (the device-code prompt) are shown as they come.

        The process-wide lock is held only to start the helper: a helper that is gone is
        restarted before sending, and its journal replayed (Restore-BridgeSession) while
        other runspaces' calls wait for it; a helper that dies during the call yields a
        HelperExited error.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][System.Collections.IDictionary]$Message)

    $state = if ($null -ne $script:BridgeSubprocessState) { $script:BridgeSubprocessState } else { Get-BridgeSubprocessState }
    $locked = $false
    $sent = $false
    $answered = $false
    $id = $null
    $helper = $state.Helper
    try {
        if (-not $helper -or $state['Starting'] -or $helper.HasExited) {
            # Start (or restart) under the lock. It is re-entrant: the replay of
            # Restore-BridgeSession comes back here on the starting thread and goes on.
            $lock = $state.Lock
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
                        Start-BridgeHelper
                    }
                } finally {
                    $state['Starting'] = $false
                }
                [System.Threading.Monitor]::Exit($lock)
                $locked = $false
            }
            $helper = $state.Helper
        }

        $counter = $script:BridgeRequestCounter  # Get-BridgeRequestId, inlined once the counter is known
        $id = if ($null -ne $counter) { [MgBridge.BridgeRequestId]::Next($counter) } else { Get-BridgeRequestId }
        $sent = [MgBridge.HelperCall]::Send($helper, $Message, $id)  # the line (maybe a secret) stays in C#
        while ($true) {
            $text = if ($sent) { [MgBridge.HelperCall]::Receive($helper, $id, $PSCmdlet) }
            if ($null -eq $text) {
                if ($PSCmdlet.Stopping) { return }  # Ctrl+C: the finally block cancels the request
                $answered = $true
                $description = $helper.ExitDescription()
                if ([object]::ReferenceEquals($state.Helper, $helper)) { $state.Helper = $null }
                $helper.Dispose()
                return New-BridgeErrorResponse -Id $id -ErrorId 'HelperExited' -Category 'ResourceUnavailable' -Message (
                    $description + ' The call did not complete (if it was a create, Graph may ' +
                    'or may not have received it). The next call starts a new helper and restores ' +
                    'this session''s settings and connection.')
            }
            try {
                $response = [MgBridge.BridgeJson]::Decode($text)
            } catch {
                # A line we cannot read: report it against this call rather than hang.
                $answered = $true
                return New-BridgeErrorResponse -Id $id -ErrorId 'ProtocolError' -Category 'ProtocolError' -Message (
                    "MgBridge could not read the helper's answer: $($_.Exception.InnerException.Message)")
            }
            if ($response.PSObject.Properties['event']) {
                if ($response.event -eq 'prompt') { Write-Host $response.message }
                continue
            }
            $answered = $true
            return $response
        }
    } finally {
        if ($null -ne $id -and $helper) {
            $helper.Forget($id)
            if ($sent -and -not $answered -and [object]::ReferenceEquals($state.Helper, $helper)) {
                # Stopped (Ctrl+C): cancel the request; its late answer is dropped.
                $null = $helper.Send('{"v":1,"op":"cancel","args":{"target":' + $id + '}}')
            }
        }
        if ($locked) { [System.Threading.Monitor]::Exit($state.Lock) }
    }
}
