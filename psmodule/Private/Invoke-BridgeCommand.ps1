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

        A plain create (no -WhatIf/-Confirm/-Debug/-Verbose, no -ProxyUseDefaultCredentials)
        on a ready transport (the subprocess helper, or Python in this process) is one .NET
        call, [MgBridge.CreateCall]::TryCreate,
        which does the same steps; it hands back any answer with an error or warnings, and
        every other case before anything is sent.
    #>
    param(
        [Parameter(Mandatory)][System.Management.Automation.PSCmdlet]$Cmdlet,
        [Parameter(Mandatory)][System.Collections.IDictionary]$BoundParameters
    )
    # Hot path: a plain create on a ready transport is one .NET call; null means it did not
    # apply and nothing was sent (the steps below are the same, in PowerShell).
    $ready = $script:BridgeFormatDataLoaded -and $script:BridgeCoreChecked[$script:BridgeTransport] -and
        [string][System.Environment]::GetEnvironmentVariable('MGBRIDGE_TRANSPORT') -ceq $script:BridgeTransportRequested
    $response = [MgBridge.CreateCall]::TryCreate($Cmdlet, $BoundParameters, $script:BridgeTransport,
        $script:BridgeSubprocessState, $ready, $DebugPreference, $VerbosePreference, $WhatIfPreference, $ConfirmPreference)
    if ($response -is [MgBridge.IBridgeModel]) { return $response }
    if ($response -is [bool]) { return }
    $set = $Cmdlet.ParameterSetName
    $warned = $false
    if ($null -eq $response) {
        $callArgs = [ordered]@{ parameters = [MgBridge.BridgeParameters]::Forwarded($BoundParameters); whatIf = $false }
        if ($BoundParameters['ProxyUseDefaultCredentials']) {
            # The session's current proxy variables ($env: changes do not reach the core's process).
            $environment = [ordered]@{}
            foreach ($name in 'HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy') {
                $value = [System.Environment]::GetEnvironmentVariable($name)
                if ($value) { $environment[$name] = $value }
            }
            $callArgs.proxyEnvironment = $environment
        }
        $debug = $DebugPreference -ne 'SilentlyContinue'
        $preview = [bool]$WhatIfPreference -or $ConfirmPreference -in 'Low', 'Medium'
        if ($preview) {
            $callArgs.whatIf = $true
            $response = Invoke-BridgeCore -Message @{ op = 'invoke'; args = $callArgs }
            $callArgs.whatIf = $false
            Write-BridgeStreams -Response $response
            $warned = $true
            if (-not $response.ok) {
                $Cmdlet.WriteError([MgBridge.BridgeErrors]::FromCore($response.error, $set))
                return
            }
            $request = $response.result.request
            $text = "$($request.method) $($request.url)`n$($request.bodyText)"
            if (-not $Cmdlet.ShouldProcess($text, "Send this request?`n$text", 'Confirm')) { return }
        } elseif (-not $Cmdlet.ShouldProcess('synchronization job', 'Create')) {
            return
        }
        $response = Invoke-BridgeCore -Message @{ op = 'invoke'; args = $callArgs; debug = $debug }
    }
    # Hot path: most answers have nothing for the streams (a function call costs ~0.15 ms).
    if ($response.debug -or ($response.warnings -and -not $warned) -or
        ($response.verbose -and $VerbosePreference -ne 'SilentlyContinue')) {
        Write-BridgeStreams -Response $response -NoWarnings:$warned
    }
    if (-not $response.ok -and $response.error.type -eq 'AuthenticationError' -and
        ([string]$response.error.message).StartsWith('Authentication needed.')) {
        $hint = Get-BridgeCoexistenceHint
        if ($hint) { $response.error.message = "$($response.error.message) $hint" }
    }
    if (-not $response.ok) {
        $Cmdlet.WriteError([MgBridge.BridgeErrors]::FromCore($response.error, $set))
        return
    }
    if (-not $script:BridgeFormatDataLoaded) { Import-BridgeFormatData }
    $response.result.job
}
