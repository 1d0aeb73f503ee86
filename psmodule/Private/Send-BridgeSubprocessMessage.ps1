function Send-BridgeSubprocessMessage {
    <#
    .SYNOPSIS
        The subprocess transport: send one message to the helper and wait for its answer.
    .DESCRIPTION
        Waits in 50 ms slices so that Ctrl+C (StopProcessing) can interrupt between
        them; the finally block then sends 'cancel' for the request, the helper answers
        it with OperationStopped at once and keeps serving, and the stale answer is
        skipped by id. Events for the request (the device-code prompt) are shown as they
        come. A helper that is gone is restarted before sending (the session is
        replayed); a helper that dies during the call yields a HelperExited error.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][System.Collections.IDictionary]$Message)

    $helper = $script:BridgeHelper
    if ($helper -and $helper.HasExited) {
        $code = $helper.ExitCode
        $script:BridgeHelper = $null
        $helper.Dispose()
        Start-BridgeHelper -Reason ("MgBridge: the Python helper (pid $($script:BridgeHelperInfo.Pid)) had exited " +
            "(exit code $code); started a new one and restored this session's settings and connection.")
        $helper = $script:BridgeHelper
    } elseif (-not $helper) {
        Start-BridgeHelper
        $helper = $script:BridgeHelper
    }

    $id = ++$script:BridgeNextId
    $Message['v'] = 1
    $Message['id'] = $id
    $line = [MgBridge.BridgeJson]::Encode($Message)
    $answered = $false
    try {
        $sent = $helper.Send($line)
        $line = $null  # the text may hold a secret; drop the reference early
        while ($true) {
            $text = if ($sent) { $helper.Receive(50) }
            if ($null -eq $text) {
                if ($sent -and -not $helper.Ended) { continue }
                $answered = $true
                $description = $helper.ExitDescription()
                $script:BridgeHelper = $null
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
            if ($response.id -ne $id) { continue }  # the late answer of a cancelled request
            if ($response.PSObject.Properties['event']) {
                if ($response.event -eq 'prompt') { Write-Host $response.message }
                continue
            }
            $answered = $true
            return $response
        }
    } finally {
        if (-not $answered -and $script:BridgeHelper) {
            # Stopped (Ctrl+C): cancel the request; the helper answers nothing to this.
            $null = $helper.Send('{"v":1,"op":"cancel","args":{"target":' + $id + '}}')
        }
    }
}

function New-BridgeErrorResponse {
    # A response message for a failure on the PowerShell side of the pipe, shaped like the core's.
    param($Id, [string]$ErrorId, [string]$Category, [string]$Message)
    [pscustomobject]@{
        v = 1; id = $Id; ok = $false; warnings = @(); verbose = @(); debug = @(); messages = @()
        error = [pscustomobject]@{ type = $ErrorId; errorId = $ErrorId; category = $Category; message = $Message }
    }
}
