function Remove-BridgePythonNetExitHook {
    # Unhook pythonnet's AppDomain.ProcessExit handler (PythonEngine.OnProcessExit, private):
    # a static method's delegate compares equal to the one Initialize() added. Returns
    # whether it was found; a pythonnet without it is left as it is.
    param([type]$Engine)
    $method = $Engine.GetMethod('OnProcessExit', [System.Reflection.BindingFlags]'Static, NonPublic')
    if ($null -eq $method) { return $false }
    try {
        [System.AppDomain]::CurrentDomain.remove_ProcessExit([System.Delegate]::CreateDelegate([System.EventHandler], $method))
        $true
    } catch {
        $false
    }
}
