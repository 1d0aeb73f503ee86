# Shared by the pythonnet transport's tests: dot-source in BeforeAll.
#
# The transport's functions are dot-sourced straight from psmodule/pythonnet/ (they need
# only the module's DLL, for the call loop), so these tests drive the transport itself. Python starts once per process, so anything about *how* it starts
# (which DLL, which interpreter, exit) runs in a child pwsh (Invoke-TestPwsh).

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../../..')).Path
$script:TransportDir = Join-Path $script:RepoRoot 'psmodule/pythonnet'
$script:Pwsh = (Get-Process -Id $PID).Path
if ($script:Pwsh -notmatch 'pwsh') { $script:Pwsh = (Get-Command pwsh).Source }

# The transport's call loop is C# ([MgBridge.PythonNetCall], psmodule/custom/PythonNetCall.cs),
# in the module's DLL: the module's loader compiles (or finds in its cache) the DLL the module
# itself loads, so a child that imports the module afterwards gets the same assembly, not a
# second copy of the type.
if (-not ('MgBridge.PythonNetCall' -as [type])) {
    Import-Module (Join-Path $script:RepoRoot 'psmodule/MgBridge.psd1') -ArgumentList pythonnet -PassThru -ErrorAction Stop | Remove-Module
}
$script:ModelsDll = ('MgBridge.PythonNetCall' -as [type]).Assembly.Location

# The transport's functions, into the scope that dot-sources this file.
foreach ($file in [System.IO.Directory]::GetFiles($script:TransportDir, '*.ps1')) { . $file }

# The line a child pwsh (or a runspace) runs first to get the transport's functions.
$script:ImportLine = "[void][System.Reflection.Assembly]::LoadFrom('$($script:ModelsDll)'); " +
    "foreach (`$f in [System.IO.Directory]::GetFiles('$($script:TransportDir)', '*.ps1')) { . `$f }"

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
    #   sleep   {seconds, tag?} -> {"slept": seconds}; with a tag, 'state' reports it
    #   state   {tag}           -> {"started": bool, "finished": bool} of that tagged sleep
    #   barrier {name, parties} -> {} once 'parties' requests wait on the barrier together
    #                              (a BrokenBarrierError after 60 s if they never overlap)
    #   boom                    -> emits a 'prompt' event, then raises ZeroDivisionError
    #   echo    {...}           -> the args back, and the Python thread that ran it
    param([hashtable]$State)
    Use-BridgePython -State $State {
        param($s)
        $s.Types.PythonEngine::Exec(@'
import threading, time
import bridge.protocol._dispatch as _d
_t_lock = threading.Lock()
_t_tags = {}
_t_barriers = {}
def _t_sleep(a, c):
    tag = a.get('tag')
    if tag:
        with _t_lock: _t_tags[tag] = 'started'
    time.sleep(float(a.get('seconds', 1)))
    if tag:
        with _t_lock: _t_tags[tag] = 'finished'
    return {'slept': a.get('seconds', 1)}
def _t_state(a, c):
    with _t_lock: value = _t_tags.get(a.get('tag'))
    return {'started': value is not None, 'finished': value == 'finished'}
def _t_barrier(a, c):
    with _t_lock:
        barrier = _t_barriers.setdefault(a['name'], threading.Barrier(int(a['parties']), timeout=60))
    barrier.wait()
    return {}
_d.OPS['sleep'] = _t_sleep
_d.OPS['state'] = _t_state
_d.OPS['barrier'] = _t_barrier
_d.OPS['boom'] = lambda a, c: c.emit('prompt', {'message': 'To sign in, use code TEST123'}) or 1 / 0
_d.OPS['echo'] = lambda a, c: {'args': dict(a), 'thread': threading.current_thread().name}
'@)
    }
}

function Get-TestSleepState {
    # The 'state' op's answer for a tagged sleep: Started, Finished.
    param([string]$Tag)
    $r = (Invoke-BridgePythonNet -Json ('{"v":1,"id":"state-' + $Tag + '","op":"state","args":{"tag":"' + $Tag + '"}}') | ConvertFrom-Json).result
    [pscustomobject]@{ Started = [bool]$r.started; Finished = [bool]$r.finished }
}

function Wait-TestSleepStarted {
    # A handshake: until the tagged sleep runs (bounded only to end a hang).
    param([string]$Tag)
    $deadline = [datetime]::UtcNow.AddSeconds(120)
    while (-not (Get-TestSleepState -Tag $Tag).Started) {
        if ([datetime]::UtcNow -gt $deadline) { throw "the request tagged '$Tag' never started" }
        Start-Sleep -Milliseconds 20
    }
}

function Test-TestRunning {
    # Whether a request with this message id is still in flight in the host (its own call only).
    param([hashtable]$State, [Parameter(Mandatory)]$Id)
    Use-BridgePython -State $State {
        param($s)
        $arg = $s.PyString::new(($Id | ConvertTo-Json -Compress))
        $r = $s.Host.running.Invoke($arg)
        try { [string]$r.ToString() -eq '1' } finally { $r.Dispose(); $arg.Dispose() }
    }
}

function New-TestId {
    # A message id no other test uses, so in-flight checks concern this call alone.
    "t-" + [guid]::NewGuid().ToString('N')
}
