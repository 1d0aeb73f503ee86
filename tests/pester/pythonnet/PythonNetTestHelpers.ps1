# Shared by the pythonnet transport's tests: dot-source in BeforeAll.
#
# The transport's functions are dot-sourced straight from psmodule/pythonnet/ (they do
# not need the rest of the module), so these tests run whether or not the module wires
# the transport in. Python starts once per process, so anything about *how* it starts
# (which DLL, which interpreter, exit) runs in a child pwsh (Invoke-TestPwsh).

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../../..')).Path
$script:TransportDir = Join-Path $script:RepoRoot 'psmodule/pythonnet'
$script:Pwsh = (Get-Process -Id $PID).Path
if ($script:Pwsh -notmatch 'pwsh') { $script:Pwsh = (Get-Command pwsh).Source }

# The transport's functions, into the scope that dot-sources this file.
foreach ($file in [System.IO.Directory]::GetFiles($script:TransportDir, '*.ps1')) { . $file }

# The line a child pwsh (or a runspace) runs first to get the transport's functions.
$script:ImportLine = "foreach (`$f in [System.IO.Directory]::GetFiles('$($script:TransportDir)', '*.ps1')) { . `$f }"

function Invoke-TestPwsh {
    # Run a script in a fresh 'pwsh -NoProfile -NonInteractive' and wait (at most
    # TimeoutSec) for it to exit. Returns ExitCode, Stdout, Stderr, Seconds, TimedOut.
    param(
        [Parameter(Mandatory)][string]$Script,
        [hashtable]$Environment = @{},
        [int]$TimeoutSec = 90
    )
    $info = [System.Diagnostics.ProcessStartInfo]::new($script:Pwsh)
    foreach ($a in '-NoProfile', '-NonInteractive', '-Command', "$($script:ImportLine)`n$Script") { $info.ArgumentList.Add($a) }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.RedirectStandardInput = $true
    $info.UseShellExecute = $false
    foreach ($key in $Environment.Keys) {
        if ($null -eq $Environment[$key]) { [void]$info.Environment.Remove($key) } else { $info.Environment[$key] = [string]$Environment[$key] }
    }
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $process = [System.Diagnostics.Process]::Start($info)
    try {
        $process.StandardInput.Close()
        $out = $process.StandardOutput.ReadToEndAsync()
        $err = $process.StandardError.ReadToEndAsync()
        $timedOut = -not $process.WaitForExit($TimeoutSec * 1000)
        if ($timedOut) { $process.Kill($true); $process.WaitForExit() }
        [pscustomobject]@{
            ExitCode = $process.ExitCode; Stdout = $out.Result; Stderr = $err.Result
            Seconds = $clock.Elapsed.TotalSeconds; TimedOut = $timedOut
        }
    } finally {
        $process.Dispose()
    }
}

function Add-TestSlowOp {
    # Test-only ops, added to the core's dispatch table in this process:
    #   sleep  {seconds}  -> {"slept": seconds} after sleeping (a slow request)
    #   boom              -> emits a 'prompt' event, then raises ZeroDivisionError
    #   echo   {...}      -> the args back, and the Python thread that ran it
    param([hashtable]$State)
    Use-BridgePython -State $State {
        param($s)
        $s.Types.PythonEngine::Exec(@'
import threading, time
import bridge.protocol._dispatch as _d
_d.OPS['sleep'] = lambda a, c: (time.sleep(float(a.get('seconds', 1))), {'slept': a.get('seconds', 1)})[1]
_d.OPS['boom'] = lambda a, c: c.emit('prompt', {'message': 'To sign in, use code TEST123'}) or 1 / 0
_d.OPS['echo'] = lambda a, c: {'args': dict(a), 'thread': threading.current_thread().name}
'@)
    }
}

function Get-TestInflight {
    param([hashtable]$State)
    Use-BridgePython -State $State {
        param($s)
        $r = $s.Host.inflight.Invoke()
        try { [int]$r.ToString() } finally { $r.Dispose() }
    }
}
