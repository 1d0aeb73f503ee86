function Test-BridgeCoreVersion {
    <#
    .SYNOPSIS
        Check, once per transport, that the core is the same package version as this module.
    .DESCRIPTION
        Sends 'hello' with this module's version ('module'); the core refuses a different
        one with errorId VersionMismatch, a message naming both versions and the command
        that fixes it. A core that answers without checking (older than this check) is
        compared here. Returns nothing when they match, else that error response, which
        each command turns into its ErrorRecord. The check is repeated on the next call
        until it passes.
    #>
    param([Parameter(Mandatory)][ValidateSet('pythonnet', 'subprocess')][string]$Transport)
    $version = Get-BridgeModuleVersion
    $hello = @{ op = 'hello'; args = @{ module = $version } }
    $response = if ($Transport -eq 'pythonnet') { Send-BridgePythonNetMessage -Message $hello } else { Send-BridgeSubprocessMessage -Message $hello }
    if ($response.ok -and [string]$response.result.package -ne $version) {
        $python = [string]$response.result.executable
        return [MgBridge.BridgeResponse]::Error($response.id, 'VersionMismatch', 'NotInstalled', (
            "The MgBridge module $version met the Python core mgbridge $($response.result.package) " +
            "($python); they must be the same version. Fix: & '$python' -m pip install mgbridge==$version"))
    }
    if (-not $response.ok) {
        if ($response.error.errorId -eq 'VersionMismatch') { return $response }
        # Any other failure of 'hello' is the transport's to report on the real call.
        return
    }
    $script:BridgeCoreChecked[$Transport] = $true
}
