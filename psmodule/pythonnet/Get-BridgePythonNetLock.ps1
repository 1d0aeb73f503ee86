function Get-BridgePythonNetLock {
    # The process-wide lock object for initialization: an interned string is one object
    # per process whatever runspace asks (no C# type of our own is needed to hold one).
    [string]::Intern('MgBridge.PythonNet.InitializationLock')
}
