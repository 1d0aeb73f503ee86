function Test-BridgeCoreVersion {
    <#
    .SYNOPSIS
        Check, once per transport, that the core is the same package version as this module.
    .DESCRIPTION
        Sends 'hello' with this module's version ('module'); the core refuses a different
        one with errorId VersionMismatch, a message naming both versions and the command
        that fixes it. A core that answers without checking (older than this check) is
        compared by [MgBridge.HelperLauncher]::CheckHello, which also judges the first
        call's check ([MgBridge.HelperLauncher]::FirstCall). Returns nothing when they match, else that error response, which
        each command turns into its ErrorRecord. The check is repeated on the next call
        until it passes.
    #>
    param([Parameter(Mandatory)][ValidateSet('pythonnet', 'subprocess')][string]$Transport)
    $version = Get-BridgeModuleVersion
    $hello = @{ op = 'hello'; args = @{ module = $version } }
    $response = if ($Transport -eq 'pythonnet') { Send-BridgePythonNetMessage -Message $hello } else { Send-BridgeSubprocessMessage -Message $hello }
    $verdict = [MgBridge.HelperLauncher]::CheckHello($response, $version)
    if ($verdict -is [bool]) {
        $script:BridgeCoreChecked[$Transport] = $true
        return
    }
    $verdict
}
