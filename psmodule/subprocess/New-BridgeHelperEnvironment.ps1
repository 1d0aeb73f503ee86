function New-BridgeHelperEnvironment {
    <#
    .SYNOPSIS
        The environment changes for a new helper process (a hashtable; $null removes a name).
    .DESCRIPTION
        UTF-8 pipes without buffering; no secrets: the secret variables of this process are
        removed from what the helper inherits (/proc/<pid>/environ), since Connect-MgGraph
        sends the session's values inside the message when a sign-in needs them; and, when
        the module runs from a checkout, PYTHONPATH starting with it (so shim and core match).
    #>
    # One definition, shared with the helper started at import ([MgBridge.HelperLauncher]).
    # A release build never looks outside its own folder.
    [MgBridge.HelperLauncher]::Environment($(if (-not $script:BridgeRelease) { Get-BridgeRepositoryRoot }))
}
