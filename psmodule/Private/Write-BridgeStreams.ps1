function Write-BridgeStreams {
    <#
    .SYNOPSIS
        Replay a response's side channels on PowerShell's streams.
    .DESCRIPTION
        'debug' holds the bridge.http log of the call (the SDK's HTTP REQUEST / HTTP
        RESPONSE layout, already redacted by the core) -> Write-Debug; 'warnings' (binding
        warnings: unknown keys kept as additional properties) -> Write-Warning; 'verbose'
        -> Write-Verbose (only with -Verbose), prefixed with the transport that carried the
        call. Runs in the caller's scope chain, so -Debug/-Verbose/-WarningAction of the
        command apply.
    #>
    param($Response, [switch]$NoWarnings)
    foreach ($line in @($Response.debug)) { if ($line) { Write-Debug $line } }
    if (-not $NoWarnings) {
        foreach ($line in @($Response.warnings)) { if ($line) { Write-Warning $line } }
    }
    if ($VerbosePreference -eq 'SilentlyContinue') { return }
    $label = Get-BridgeTransportLabel
    foreach ($line in @($Response.verbose)) {
        if ($line) { Write-Verbose "MgBridge [$label]: $line" }
    }
}
