#Requires -Version 7.2
# How the pythonnet transport finds Python.Runtime.dll and the interpreter, and how pwsh
# exits with Python inside. Python starts once per process, so each case runs in a fresh
# pwsh (Invoke-TestPwsh) with its own cache folder.

BeforeAll {
    . (Join-Path $PSScriptRoot 'PythonNetTestHelpers.ps1')
    $nuget = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    $script:NuGetRuntime = Join-Path $nuget 'pythonnet/3.2.1/lib/netstandard2.0/Python.Runtime.dll'
    $script:Venv = Join-Path $script:RepoRoot '.venv'
    $script:Temp = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-pythonnet-tests-$PID"
    New-Item -ItemType Directory -Force -Path $script:Temp | Out-Null

    $script:InfoScript = @'
$answer = Invoke-BridgePythonNet -Json '{"v":1,"id":1,"op":"hello"}' | ConvertFrom-Json
$info = [System.AppDomain]::CurrentDomain.GetData('MgBridge.PythonNet.State').Info
'INFO ' + ([ordered]@{ ok = $answer.ok; pid = $answer.result.pid; me = $PID; info = $info } | ConvertTo-Json -Compress -Depth 4)
'@
    function Get-ChildInfo([hashtable]$Environment) {
        $env = @{ MGBRIDGE_CACHE = (Join-Path $script:Temp 'cache'); MGBRIDGE_PYTHONNET_DLL = $null; VIRTUAL_ENV = $null; MGBRIDGE_PYTHON = $null }
        foreach ($k in $Environment.Keys) { $env[$k] = $Environment[$k] }
        $result = Invoke-TestPwsh -Script $script:InfoScript -Environment $env
        $line = $result.Stdout -split "`n" | Where-Object { $_ -like 'INFO *' } | Select-Object -Last 1
        if (-not $line) { throw "no INFO line; stderr: $($result.Stderr)" }
        $line.Substring(5) | ConvertFrom-Json
    }
}

AfterAll {
    Remove-Item -LiteralPath $script:Temp -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Import stays cheap' {
    It 'dot-sourcing the transport loads neither Python.Runtime nor Python' {
        $result = Invoke-TestPwsh -Script @'
$runtime = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Python.Runtime' }).Count
$state = [AppDomain]::CurrentDomain.GetData('MgBridge.PythonNet.State')
"RESULT $runtime $($null -eq $state)"
'@
        $result.Stdout | Should -Match 'RESULT 0 True'
    }
}

Describe 'Finding Python.Runtime.dll' {
    It 'uses the NuGet package when the interpreter has no pythonnet wheel' {
        $child = Get-ChildInfo @{}
        $child.ok | Should -BeTrue
        $child.pid | Should -Be $child.me   # in-process: the core runs in pwsh itself
        $child.info.RuntimeSource | Should -Be 'the NuGet package pythonnet 3.2.1'
        $child.info.RuntimeDll | Should -Be $script:NuGetRuntime
        $child.info.LoadContext | Should -Be 'MgBridge.PythonNet'
    }

    It 'prefers the interpreter''s pythonnet wheel (site-packages/pythonnet/runtime/)' {
        # A wheel-like layout on the interpreter's sys.path (through PYTHONPATH), holding a
        # copy of the NuGet DLL: what 'pip install pythonnet' leaves in site-packages.
        $site = Join-Path $script:Temp 'site-packages'
        $runtimeDir = Join-Path $site 'pythonnet/runtime'
        New-Item -ItemType Directory -Force -Path $runtimeDir | Out-Null
        Copy-Item -LiteralPath $script:NuGetRuntime -Destination $runtimeDir
        New-Item -ItemType File -Force -Path (Join-Path $site 'pythonnet/__init__.py') | Out-Null
        $child = Get-ChildInfo @{ PYTHONPATH = $site }
        $child.ok | Should -BeTrue
        $child.info.RuntimeSource | Should -Be 'the pythonnet wheel'
        $child.info.RuntimeDll | Should -Be (Join-Path $runtimeDir 'Python.Runtime.dll')
    }

    It 'takes $env:MGBRIDGE_PYTHONNET_DLL over everything' {
        $dir = Join-Path $script:Temp 'explicit'
        New-Item -ItemType Directory -Force -Path $dir | Out-Null
        Copy-Item -LiteralPath $script:NuGetRuntime -Destination $dir
        $child = Get-ChildInfo @{ MGBRIDGE_PYTHONNET_DLL = (Join-Path $dir 'Python.Runtime.dll') }
        $child.info.RuntimeSource | Should -Be '$env:MGBRIDGE_PYTHONNET_DLL'
        $child.info.RuntimeDll | Should -Be (Join-Path $dir 'Python.Runtime.dll')
    }

    It 'reports a clear, fall-back-able error for a missing $env:MGBRIDGE_PYTHONNET_DLL' {
        $result = Invoke-TestPwsh -Script @'
try { Invoke-BridgePythonNet -Json '{"v":1,"id":1,"op":"hello"}' -ErrorAction Stop; 'NO ERROR' } catch { "ERRORID $($_.FullyQualifiedErrorId)"; "MESSAGE $($_.Exception.Message)" }
$d = Test-BridgePythonNet -Quick -Detailed
"QUICK $($d.Available)"
'@ -Environment @{ MGBRIDGE_PYTHONNET_DLL = '/nonexistent/Python.Runtime.dll'; MGBRIDGE_CACHE = (Join-Path $script:Temp 'cache') }
        $result.Stdout | Should -Match 'ERRORID MgBridgePythonNetUnavailable'
        $result.Stdout | Should -Match 'MESSAGE .*MGBRIDGE_PYTHONNET_DLL.*does not exist'
        $result.Stdout | Should -Match 'QUICK False'
    }
}

Describe 'The interpreter' {
    It 'honours the venv: sys.prefix is the venv, base_prefix the base install, and the probe is cached' {
        $cache = Join-Path $script:Temp 'cache-venv'
        $first = Get-ChildInfo @{ MGBRIDGE_CACHE = $cache; MGBRIDGE_PYTHON = (Join-Path $script:Venv 'bin/python') }
        $first.info.Prefix | Should -Be $script:Venv
        $first.info.BasePrefix | Should -Not -Be $script:Venv
        $first.info.Executable | Should -Be (Join-Path $script:Venv 'bin/python')
        $first.info.PythonSource | Should -Be '$env:MGBRIDGE_PYTHON'
        $first.info.LibPython | Should -Match 'libpython3'
        $first.info.ProbeCached | Should -BeFalse
        @(Get-ChildItem -LiteralPath $cache -Filter 'pythonnet-probe-*.json').Count | Should -Be 1
        $second = Get-ChildInfo @{ MGBRIDGE_CACHE = $cache; MGBRIDGE_PYTHON = (Join-Path $script:Venv 'bin/python') }
        $second.info.ProbeCached | Should -BeTrue
        $second.ok | Should -BeTrue
    }

    It 'names every candidate it tried when none can be embedded' {
        $result = Invoke-TestPwsh -Script @'
try { Initialize-BridgePythonNet -Python '/nonexistent/python3' | Out-Null; 'NO ERROR' } catch { "MESSAGE $($_.Exception.Message)" }
'@
        $result.Stdout | Should -Match 'found no Python interpreter it can embed'
        $result.Stdout | Should -Match '/nonexistent/python3'
    }
}

Describe 'Exit' {
    It 'pwsh exits at once, with its own exit code, after using the core' {
        $result = Invoke-TestPwsh -TimeoutSec 60 -Script @'
$null = Invoke-BridgePythonNet -Json '{"v":1,"id":1,"op":"hello"}'
[Console]::Out.WriteLine('EXITING ' + [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds())
exit 7
'@
        $result.TimedOut | Should -BeFalse
        $result.ExitCode | Should -Be 7
        $result.Stdout | Should -Match 'EXITING'
        # How fast (without the exit hook, PythonEngine.Shutdown took 2-3.5 s) is a figure for
        # bench/, not a test bound; Test-BridgePythonNet -Detailed shows ExitHookRemoved.
    }

    It 'pwsh exits cleanly (code 0) while a stopped request still runs in the background' {
        $result = Invoke-TestPwsh -TimeoutSec 200 -Script @'
$ErrorActionPreference = 'Stop'  # a failing wait below ends the script before 'STOPPED'
$s = Initialize-BridgePythonNet
Use-BridgePython -State $s { param($x) $x.Types.PythonEngine::Exec("import time, bridge.protocol._dispatch as d`nd.OPS['sleep'] = lambda a, c: (time.sleep(float(a['seconds'])), {})[1]") }
$ps = [powershell]::Create()
$null = $ps.AddScript($args[0] + "`nInvoke-BridgePythonNet -Json '{""v"":1,""id"":2,""op"":""sleep"",""args"":{""seconds"":300}}'")
$h = $ps.BeginInvoke()
while ([MgBridge.PythonNetCall]::Invoke($s, 'running', '2') -ne '1') { Start-Sleep -Milliseconds 20 }  # it runs
$ps.Stop()
'STOPPED'
'@.Replace('$args[0]', "'" + $script:ImportLine.Replace("'", "''") + "'")
        $result.TimedOut | Should -BeFalse
        $result.Stdout | Should -Match 'STOPPED'
        $result.ExitCode | Should -Be 0  # long before the 300 s request could end (TimedOut is false)
    }
}
