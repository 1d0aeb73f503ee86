function Restore-BridgeSession {
    <#
    .SYNOPSIS
        Replay the process-wide journal of state-changing calls on a new helper.
    .DESCRIPTION
        A helper that died took the session's state with it (custom environments,
        request context, profile, connection). The journal holds those calls in order;
        secrets in it are SecureStrings, turned into text only inside the message that
        goes down the pipe. A device-code sign-in cannot be replayed without the user.
    #>
    [CmdletBinding()]
    param()
    foreach ($entry in [MgBridge.BridgeJournal]::Entries((Get-BridgeSubprocessState))) {
        if ($entry.Interactive) {
            Write-Warning 'MgBridge: the new helper is not signed in (device-code sign-ins cannot be replayed); run Connect-MgGraph again.'
            continue
        }
        $response = Invoke-BridgeCore -Message @{ op = $entry.Op; args = $entry.Args }
        if (-not $response.ok) {
            Write-Warning "MgBridge: restoring '$($entry.Op)' on the new helper failed: $($response.error.message)"
        }
    }
}
