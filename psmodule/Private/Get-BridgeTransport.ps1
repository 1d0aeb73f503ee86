function Get-BridgeTransport {
    <#
    .SYNOPSIS
        The transport this module instance uses: 'pythonnet' or 'subprocess'.
    .DESCRIPTION
        The setting, first that is given: Import-Module MgBridge -ArgumentList <value>,
        then $env:MGBRIDGE_TRANSPORT (read again whenever it changes), else 'auto'.
        Values: 'pythonnet', 'subprocess', 'auto' (the default: the subprocess helper, which
        starts in the background at import, keeps pwsh's memory low and is as fast per call;
        docs/performance.md has the figures). 'pythonnet' falls back to 'subprocess' when
        Python cannot start in-process (Switch-BridgeTransport). The answer is cached until
        the setting changes.
    #>
    $requested = [string][System.Environment]::GetEnvironmentVariable('MGBRIDGE_TRANSPORT')
    $setting = if ($script:BridgeTransportArgument) { $script:BridgeTransportArgument }
    elseif ($requested) { $requested.ToLowerInvariant() }
    else { 'auto' }
    # Plain if/else and no Write-Verbose argument built unless -Verbose is on: this runs on
    # the first call of every session, where each step pays its first-time cost.
    $transport = if ($setting -ceq 'subprocess' -or $setting -ceq 'auto') { 'subprocess' }
    elseif ($setting -ceq 'pythonnet') { if ($script:BridgeTransportFallback) { 'subprocess' } else { 'pythonnet' } }
    else {
        throw [System.Management.Automation.ErrorRecord]::new(
            [System.ArgumentException]::new(
                "MgBridge: unknown transport '$setting'; use 'auto', 'pythonnet' or 'subprocess' " +
                '($env:MGBRIDGE_TRANSPORT or Import-Module MgBridge -ArgumentList <transport>).'),
            'MgBridgeTransportUnknown', [System.Management.Automation.ErrorCategory]::InvalidArgument, $setting)
    }
    if ($VerbosePreference -ne 'SilentlyContinue' -and
        ($transport -ne $script:BridgeTransport -or $setting -ne $script:BridgeTransportSetting)) {
        Write-Verbose ("MgBridge: transport {0} (setting '{1}'{2})" -f $transport, $setting,
            $(if ($script:BridgeTransportFallback) { ", pythonnet unavailable: $script:BridgeTransportFallback" } else { '' }))
    }
    $script:BridgeTransportSetting = $setting
    $script:BridgeTransport = $transport
    $script:BridgeTransportRequested = $requested
    $transport
}
