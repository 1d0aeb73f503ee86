function Start-BridgeHelperAtImport {
    <#
    .SYNOPSIS
        At Import-Module: start the subprocess helper in the background when it will be used.
    .DESCRIPTION
        When this module instance uses the subprocess transport and the process has no
        helper yet, Start-BridgeHelper -Background starts one without waiting for it, so
        Python starts and imports the core on the other core while PowerShell finishes
        the import and runs the script's first lines; the first call then finds it ready
        (docs/performance.md, cold start). Another runspace already starting one wins.
        Never fails the import: a problem here is left for the first call to report.
    #>
    try {
        if ((Get-BridgeTransport) -ne 'subprocess') { return }
        $state = Get-BridgeSubprocessState
        if ($state.Helper -or $state['Early'] -or $state['Starting']) { return }
        $lock = $state.Lock
        if (-not [System.Threading.Monitor]::TryEnter($lock, 0)) { return }
        try {
            if (-not $state.Helper -and -not $state['Early']) { Start-BridgeHelper -Background }
        } finally {
            [System.Threading.Monitor]::Exit($lock)
        }
    } catch {
        Write-Verbose "MgBridge: no helper started at import ($($_.Exception.Message)); the first call starts one."
    }
}
