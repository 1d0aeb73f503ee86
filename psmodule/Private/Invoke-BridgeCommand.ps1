function Invoke-BridgeCommand {
    <#
    .SYNOPSIS
        The body of New-MgApplicationSynchronizationJob: one pipeline item, one call.
    .DESCRIPTION
        Forwards the bound parameters (common parameters removed) to the core's
        'invoke' op and turns the answer into output, warnings, debug lines and
        non-terminating ErrorRecords. Not an advanced function on purpose: it runs in
        the cmdlet's scope chain, so the cmdlet's -WhatIf/-Confirm/-Debug/-Verbose
        preferences apply as they are.

        -WhatIf and -Confirm need the request before deciding, so the core binds it
        first ('invoke' with whatIf) and the URL and exact JSON body are shown; only a
        confirmed call is sent.
    #>
    param(
        [Parameter(Mandatory)][System.Management.Automation.PSCmdlet]$Cmdlet,
        [Parameter(Mandatory)][System.Collections.IDictionary]$BoundParameters
    )
    $set = $Cmdlet.ParameterSetName
    $parameters = [ordered]@{}
    foreach ($key in $BoundParameters.Keys) {
        if (-not $script:BridgeCommonParameters.Contains($key)) { $parameters[$key] = $BoundParameters[$key] }
    }
    $debug = $DebugPreference -ne 'SilentlyContinue'
    $preview = [bool]$WhatIfPreference -or $ConfirmPreference -in 'Low', 'Medium'
    $warned = $false
    if ($preview) {
        $response = Invoke-BridgeCore -Message @{ op = 'invoke'; args = @{ parameters = $parameters; whatIf = $true } }
        Write-BridgeStreams -Response $response
        $warned = $true
        if (-not $response.ok) {
            $Cmdlet.WriteError((ConvertTo-BridgeErrorRecord -ErrorInfo $response.error -ParameterSet $set))
            return
        }
        $request = $response.result.request
        $text = "$($request.method) $($request.url)`n$($request.bodyText)"
        if (-not $Cmdlet.ShouldProcess($text, "Send this request?`n$text", 'Confirm')) { return }
    } elseif (-not $Cmdlet.ShouldProcess('synchronization job', 'Create')) {
        return
    }
    $response = Invoke-BridgeCore -Message @{ op = 'invoke'; args = @{ parameters = $parameters; whatIf = $false }; debug = $debug }
    # Hot path: most answers have nothing for the streams (a function call costs ~0.15 ms).
    if ($response.debug -or ($response.warnings -and -not $warned) -or
        ($response.verbose -and $VerbosePreference -ne 'SilentlyContinue')) {
        Write-BridgeStreams -Response $response -NoWarnings:$warned
    }
    if (-not $response.ok) {
        $Cmdlet.WriteError((ConvertTo-BridgeErrorRecord -ErrorInfo $response.error -ParameterSet $set))
        return
    }
    $response.result.job
}
