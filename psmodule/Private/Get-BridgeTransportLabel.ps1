function Get-BridgeTransportLabel {
    # Which transport and Python carried the last call, for -Verbose lines.
    if ($script:BridgeTransport -eq 'pythonnet') {
        $state = [System.AppDomain]::CurrentDomain.GetData('MgBridge.PythonNet.State')
        $version = if ($state -and $state.Info) { $state.Info.PythonVersion } else { '?' }
        return "transport pythonnet, in-process pid $PID, Python $version"
    }
    $info = (Get-BridgeSubprocessState).Info
    "transport subprocess, helper pid $(if ($info) { $info.Pid }), Python $(if ($info) { $info.PythonVersion })"
}
