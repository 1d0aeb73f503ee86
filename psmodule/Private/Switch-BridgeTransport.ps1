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
