function Invoke-BridgeOperation {
    <#
    .SYNOPSIS
        Run one non-cmdlet op (connect, environments, ...) and return its result, or throw.
    .DESCRIPTION
        For the Microsoft.Graph.Authentication-style commands: an error from the core is
        raised as a terminating error of the calling command (as the SDK's do), with the
        errorId and category of the core's error table. With -Journal, a successful
        state-changing call is remembered for replay after a helper restart
        ([MgBridge.BridgeJournal]::Add).
    #>
    param(
        [Parameter(Mandatory)][System.Management.Automation.PSCmdlet]$Cmdlet,
        [Parameter(Mandatory)][string]$Op,
        [System.Collections.IDictionary]$Arguments = @{},
        [switch]$Journal,
        [switch]$Interactive
    )
    $debug = $DebugPreference -ne 'SilentlyContinue'
    $response = Invoke-BridgeCore -Message @{ op = $Op; args = $Arguments; debug = $debug }
    # Most answers have nothing for the streams: then Write-BridgeStreams is not even compiled.
    if ($response.debug -or $response.warnings -or $response.verbose) { Write-BridgeStreams -Response $response }
    if ($response.messages) { foreach ($message in $response.messages) { if ($message) { Write-Host $message } } }
    if (-not $response.ok) { $Cmdlet.ThrowTerminatingError([MgBridge.BridgeErrors]::FromCore($response.error, $null)) }
    if ($Journal) { [MgBridge.BridgeJournal]::Add([MgBridge.HelperLauncher]::SharedState(), $Op, $Arguments, [bool]$Interactive) }
    $response.result
}
