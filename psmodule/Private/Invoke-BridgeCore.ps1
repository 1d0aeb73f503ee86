function Invoke-BridgeCore {
    <#
    .SYNOPSIS
        Send one protocol message to the Python core through the selected transport.
    .DESCRIPTION
        The single seam between the shim and the core: every command builds a message
        (op, args, debug) and calls this. Both transports carry the same messages
        (docs/protocol.md): 'pythonnet' (the core inside this pwsh process) and
        'subprocess' (one helper process per pwsh process, shared by all runspaces). Which one runs is
        Get-BridgeTransport's answer; when pythonnet cannot start in this process
        (an ErrorRecord with id MgBridgePythonNetUnavailable), the module falls back to
        the subprocess transport for the rest of the session (Switch-BridgeTransport).
        The first call through each transport checks the core's package version
        (Test-BridgeCoreVersion).
        SecureString values at the top level of args become text only inside the message.
    #>
    param([Parameter(Mandatory)][System.Collections.IDictionary]$Message)

    # A create's args (parameters, whatIf) hold no top-level SecureString: skip the copy (hot path).
    if ($Message['args'] -and $Message['op'] -ne 'invoke') { $Message['args'] = ConvertFrom-BridgeSecureArgument $Message['args'] }
    # Hot path: the setting has not changed since the last call (one string comparison).
    $transport = if ([string]$env:MGBRIDGE_TRANSPORT -ceq $script:BridgeTransportRequested) {
        $script:BridgeTransport
    } else {
        Get-BridgeTransport
    }
    if ($transport -eq 'pythonnet') {
        try {
            if (-not $script:BridgePythonNetLoaded) { Import-BridgePythonNetTransport }
            if (-not $script:BridgeCoreChecked['pythonnet']) {
                $mismatch = Test-BridgeCoreVersion -Transport pythonnet
                if ($mismatch) { return $mismatch }
            }
            return Send-BridgePythonNetMessage -Message $Message
        } catch {
            if ($_.FullyQualifiedErrorId -notlike 'MgBridgePythonNetUnavailable*') { throw }
            Switch-BridgeTransport -Reason $_.Exception.Message
        }
    }
    if (-not $script:BridgeCoreChecked['subprocess']) {
        $mismatch = Test-BridgeCoreVersion -Transport subprocess
        if ($mismatch) { return $mismatch }
    }
    Send-BridgeSubprocessMessage -Message $Message
}

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
        return New-BridgeErrorResponse -Id $response.id -ErrorId 'VersionMismatch' -Category 'NotInstalled' -Message (
            "The MgBridge module $version met the Python core mgbridge $($response.result.package) " +
            "($python); they must be the same version. Fix: & '$python' -m pip install mgbridge==$version")
    }
    if (-not $response.ok) {
        if ($response.error.errorId -eq 'VersionMismatch') { return $response }
        # Any other failure of 'hello' is the transport's to report on the real call.
        return
    }
    $script:BridgeCoreChecked[$Transport] = $true
}

function ConvertFrom-BridgeSecureArgument {
    # A copy of an args dictionary with SecureStrings (at any dictionary depth) as text;
    # the original (possibly the replay journal) keeps its SecureStrings.
    param([System.Collections.IDictionary]$Arguments)
    $plain = [ordered]@{}
    foreach ($key in @($Arguments.Keys)) {
        $value = $Arguments[$key]
        if ($value -is [System.Security.SecureString]) {
            $value = [System.Net.NetworkCredential]::new('', $value).Password
        } elseif ($value -is [System.Collections.Specialized.OrderedDictionary] -and $key -eq 'environ') {
            $value = ConvertFrom-BridgeSecureArgument $value
        }
        $plain[$key] = $value
    }
    $plain
}

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
    $requested = [string]$env:MGBRIDGE_TRANSPORT
    $setting = if ($script:BridgeTransportArgument) { $script:BridgeTransportArgument }
    elseif ($requested) { $requested.ToLowerInvariant() }
    else { 'auto' }
    $transport = switch ($setting) {
        { $_ -in 'subprocess', 'auto' } { 'subprocess' }
        'pythonnet' {
            if ($script:BridgeTransportFallback) { 'subprocess' } else { 'pythonnet' }
        }
        default {
            throw [System.Management.Automation.ErrorRecord]::new(
                [System.ArgumentException]::new(
                    "MgBridge: unknown transport '$setting'; use 'auto', 'pythonnet' or 'subprocess' " +
                    '($env:MGBRIDGE_TRANSPORT or Import-Module MgBridge -ArgumentList <transport>).'),
                'MgBridgeTransportUnknown', [System.Management.Automation.ErrorCategory]::InvalidArgument, $setting)
        }
    }
    if ($transport -ne $script:BridgeTransport -or $setting -ne $script:BridgeTransportSetting) {
        Write-Verbose ("MgBridge: transport {0} (setting '{1}'{2})" -f $transport, $setting,
            $(if ($script:BridgeTransportFallback) { ", pythonnet unavailable: $script:BridgeTransportFallback" } else { '' }))
    }
    $script:BridgeTransportSetting = $setting
    $script:BridgeTransport = $transport
    $script:BridgeTransportRequested = $requested
    $transport
}

function Switch-BridgeTransport {
    # pythonnet cannot start in this process: use the subprocess transport from now on in
    # this module instance. Under 'auto' that is the design working (a -Verbose line);
    # an explicit 'pythonnet' request that cannot be honoured is a warning, with the reason.
    param([string]$Reason)
    $script:BridgeTransportFallback = $Reason
    $script:BridgeTransport = 'subprocess'
    $text = "MgBridge: the pythonnet transport cannot run in this process, so this session uses " +
        "the subprocess transport (a Python helper process) instead. Reason: $Reason"
    if ($script:BridgeTransportSetting -eq 'pythonnet') { Write-Warning $text } else { Write-Verbose $text }
    Write-Verbose 'MgBridge: transport subprocess (fallback from pythonnet)'
}
