function Get-BridgeSubprocessState {
    <#
    .SYNOPSIS
        The process-wide state of the subprocess transport (one helper per pwsh process).
    .DESCRIPTION
        Microsoft's SDK keeps one Graph session per process, so the helper that holds the
        session is shared by every runspace (ForEach-Object -Parallel, Start-ThreadJob, a
        new runspace), each of which imports the module anew with fresh script: variables.
        The state lives in AppDomain data under 'MgBridge.Subprocess.State': a synchronized
        hashtable with
          Helper   the [MgBridge.HelperProcess], or $null before the first call / after it died
          Info     pid, Python and protocol of that helper (for -Verbose lines)
          Journal  the replay journal ([MgBridge.BridgeJournal], Restore-BridgeSession): a
                   List[object], itself the lock for its changes
          Lock     the process-wide lock held while the helper is (re)started and its journal
                   replayed (Send-BridgeSubprocessMessage); calls themselves run concurrently,
                   multiplexed by request id. Not the initialization lock below.
          Starting true while a helper is being started (other calls then wait on Lock)
          Early    the helper started at import and its settings ([MgBridge.HelperLauncher]::StartAtImport),
                   until the first call takes it over
        Created once, under the process-wide initialization lock ([MgBridge.HelperLauncher]::SharedState);
        cached in this module instance.
    .OUTPUTS
        System.Collections.Hashtable (synchronized)
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param()
    if ($null -ne $script:BridgeSubprocessState) { return $script:BridgeSubprocessState }
    # Created in C# ([MgBridge.HelperLauncher]::SharedState), which the import-time start also uses.
    $script:BridgeSubprocessState = [MgBridge.HelperLauncher]::SharedState()
    $script:BridgeSubprocessState
}
