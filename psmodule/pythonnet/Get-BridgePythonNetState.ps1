function Get-BridgePythonNetState {
    <#
    .SYNOPSIS
        The process-wide state of the pythonnet transport (one embedded Python per pwsh process).
    .DESCRIPTION
        Python can be initialized once per process, but every runspace (ForEach-Object
        -Parallel, Start-ThreadJob, a new runspace) imports the module anew with fresh
        script: variables. So the state lives in AppDomain data under the key
        'MgBridge.PythonNet.State': a synchronized hashtable holding the load context,
        the Python.Runtime types, the host module's functions (PyObjects, used only with
        the GIL held), and how the runtime was found. Created once, under the
        process-wide lock of Enter-BridgePythonNetLock.
    .OUTPUTS
        System.Collections.Hashtable (synchronized)
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param()
    $state = [System.AppDomain]::CurrentDomain.GetData('MgBridge.PythonNet.State')
    if ($null -ne $state) { return $state }
    $lock = Get-BridgePythonNetLock
    [System.Threading.Monitor]::Enter($lock)
    try {
        $state = [System.AppDomain]::CurrentDomain.GetData('MgBridge.PythonNet.State')
        if ($null -eq $state) {
            $state = [hashtable]::Synchronized(@{ Initialized = $false; Failure = $null })
            [System.AppDomain]::CurrentDomain.SetData('MgBridge.PythonNet.State', $state)
        }
    } finally {
        [System.Threading.Monitor]::Exit($lock)
    }
    $state
}
