function Test-BridgePythonNet {
    <#
    .SYNOPSIS
        Whether the pythonnet transport can run in this process (and, with -Detailed, why not).
    .DESCRIPTION
        Without -Quick this starts the embedded Python if it is not running yet (about
        half a second, once per process) and sends 'hello'; the answer is $true when the
        core answers protocol version 1. With -Quick nothing is started: only the
        prerequisites are checked (an interpreter with a shared libpython and the core's
        packages, a Python.Runtime.dll, no other Python.Runtime already running Python),
        which is what a transport selector can afford at every call.
    .PARAMETER Quick
        Check prerequisites only; do not start Python.
    .PARAMETER Detailed
        Return an object (Available, Reason, Initialized, and the runtime's details)
        instead of a Boolean.
    .OUTPUTS
        System.Boolean, or PSCustomObject with -Detailed.
    .EXAMPLE
        if (Test-BridgePythonNet -Quick) { 'pythonnet can be used' }
    #>
    [CmdletBinding()]
    param([switch]$Quick, [switch]$Detailed)

    $state = Get-BridgePythonNetState
    $available = $false
    $reason = $null
    if ($state.Initialized) {
        $available = $true
    } elseif ($state.Failure) {
        $reason = $state.Failure
    } elseif ($Quick) {
        try {
            $repo = if (Get-Command -Name Get-BridgeRepositoryRoot -CommandType Function -ErrorAction Ignore) {
                Get-BridgeRepositoryRoot
            } else { [System.IO.Path]::GetDirectoryName((Get-BridgePythonNetModuleRoot)) }
            if (-not [System.IO.File]::Exists([System.IO.Path]::Combine($repo, 'bridge', '__init__.py'))) { $repo = '' }
            $probe = $null
            foreach ($candidate in Find-BridgePythonNetInterpreter -RepositoryRoot $repo) {
                try { $p = Get-BridgePythonNetProbe -Python $candidate.Path -RepositoryRoot $repo } catch { continue }
                if ($p.LibPython -and -not @($p.Missing).Count) { $probe = $p; break }
            }
            if (-not $probe) { throw 'no Python interpreter with a shared libpython and the bridge package was found' }
            if (-not (Find-BridgePythonNetRuntime -Probe $probe)) { throw 'Python.Runtime.dll (pythonnet) was not found' }
            foreach ($loaded in [System.AppDomain]::CurrentDomain.GetAssemblies()) {
                if ($loaded.GetName().Name -ne 'Python.Runtime') { continue }
                if ([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($loaded).Name -eq 'MgBridge.PythonNet') { continue }
                $engine = $loaded.GetType('Python.Runtime.PythonEngine')
                if ($engine -and $engine::IsInitialized) { throw "another Python.Runtime ($($loaded.Location)) already runs Python in this process" }
            }
            $available = $true
        } catch {
            $reason = $_.Exception.Message
        }
    }
    if (-not $Quick -and -not $state.Initialized -and -not $state.Failure) {
        try {
            $answer = Invoke-BridgePythonNet -Json '{"v":1,"id":0,"op":"hello"}' -ErrorAction Stop | ConvertFrom-Json
            $available = [bool]($answer.ok -and $answer.result.protocol -eq 1)
            if (-not $available) { $reason = "the core answered 'hello' with: $($answer.error.message)" }
        } catch {
            $reason = $_.Exception.Message
        }
    }
    if (-not $Detailed) { return $available }
    [pscustomobject]@{
        Available   = $available
        Reason      = $reason
        Initialized = [bool]$state.Initialized
        Info        = $state.Info
    }
}
