function Get-BridgeSubprocessLock {
    # The process-wide lock for creating the shared state (held only for that): an interned
    # string is one object per process whatever runspace (or build of the module) asks.
    [string]::Intern('MgBridge.Subprocess.InitializationLock')
}
