# Shared helpers of the Pester suite: one emulator per run, the module, a connection.
#
# Run-Pester.ps1 starts the emulator once and passes its info in
# $env:MGBRIDGE_TEST_EMULATOR; a test file run on its own starts one itself
# (and Stop-TestEmulator ends it). The admin API is called with
# -SkipCertificateCheck: test plumbing on loopback only; the module under test
# always verifies TLS against the emulator's CA (Add-MgEnvironment -CaFile).
Set-StrictMode -Version 3.0

$script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
$script:EmulatorProcess = $null
$script:EmulatorInfo = $null

function Get-TestPython {
    $venv = Join-Path $script:Repo '.venv/bin/python'
    if ($env:MGBRIDGE_PYTHON) { return $env:MGBRIDGE_PYTHON }
    if (Test-Path $venv) { return $venv }
    '/usr/bin/python3'
}

function Start-TestEmulator {
    <# Start `python -m bridge.emulator` and return its info (one JSON line). #>
    $psi = [System.Diagnostics.ProcessStartInfo]::new((Get-TestPython))
    foreach ($a in '-m', 'bridge.emulator') { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.UseShellExecute = $false
    $psi.Environment['PYTHONPATH'] = $script:Repo
    $process = [System.Diagnostics.Process]::Start($psi)
    $line = $process.StandardOutput.ReadLine()
    if (-not $line) { throw 'the emulator did not start' }
    $script:EmulatorProcess = $process
    $env:MGBRIDGE_TEST_EMULATOR_PID = $process.Id
    $line
}

function Stop-TestEmulator {
    # By pid (kept in the environment): the helper module may have been re-imported.
    if ($env:MGBRIDGE_TEST_EMULATOR_PID) {
        $process = Get-Process -Id $env:MGBRIDGE_TEST_EMULATOR_PID -ErrorAction SilentlyContinue
        if ($process) { $process.Kill(); $null = $process.WaitForExit(5000) }
        if ($env:MGBRIDGE_TEST_EMULATOR) { Remove-Item -LiteralPath $env:MGBRIDGE_TEST_EMULATOR -ErrorAction SilentlyContinue }
        Remove-Item Env:MGBRIDGE_TEST_EMULATOR_PID, Env:MGBRIDGE_TEST_EMULATOR -ErrorAction SilentlyContinue
    }
    $script:EmulatorProcess = $null
}

function Get-TestEmulator {
    <# The emulator's info: started once per run (or per file when run alone).
       The info holds client secrets, so it is kept in a 0600 file whose path is in
       $env:MGBRIDGE_TEST_EMULATOR -- never in the environment itself, which every
       child process (the module's helper too) inherits. #>
    if (-not $env:MGBRIDGE_TEST_EMULATOR -or -not (Test-Path $env:MGBRIDGE_TEST_EMULATOR)) {
        $line = Start-TestEmulator
        $file = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), "mgbridge-test-emulator-$PID.json")
        [System.IO.File]::WriteAllText($file, '')
        if (-not $IsWindows) { [System.IO.File]::SetUnixFileMode($file, [System.IO.UnixFileMode]'UserRead, UserWrite') }
        [System.IO.File]::WriteAllText($file, $line)
        $env:MGBRIDGE_TEST_EMULATOR = $file
    }
    if (-not $script:EmulatorInfo) { $script:EmulatorInfo = [System.IO.File]::ReadAllText($env:MGBRIDGE_TEST_EMULATOR) | ConvertFrom-Json }
    $script:EmulatorInfo
}

function Invoke-EmulatorAdmin {
    <# Call the emulator's control API (/_emulator/...). #>
    param([string]$Path, [string]$Method = 'GET', $Body)
    $info = Get-TestEmulator
    $params = @{ Uri = "$($info.admin_url)/$Path"; Method = $Method; SkipCertificateCheck = $true }
    if ($PSBoundParameters.ContainsKey('Body')) {
        $params.Body = ConvertTo-Json -InputObject $Body -Depth 20 -Compress
        $params.ContentType = 'application/json'
    }
    Invoke-RestMethod @params
}

function Get-EmulatorCounters { Invoke-EmulatorAdmin 'counters' }

function Get-EmulatorRequests {
    <# The emulator's request log, oldest first, optionally only one route. #>
    param([string]$Route)
    # Invoke-RestMethod may hand back the JSON array as one object: flatten it.
    $log = @(Invoke-EmulatorAdmin 'requests' | ForEach-Object { $_ })
    if ($Route) { $log = @($log | Where-Object { $_.route -eq $Route }) }
    $log
}

function Get-LastJobBody {
    <# The JSON body the emulator received in the last jobs.create request, as text. #>
    $last = Get-EmulatorRequests -Route 'jobs.create' | Select-Object -Last 1
    ConvertTo-Json -InputObject $last.body -Depth 30 -Compress
}

function Set-EmulatorFaults { param([object[]]$Faults) $null = Invoke-EmulatorAdmin 'faults' -Method POST -Body @($Faults) }
function Clear-EmulatorFaults { $null = Invoke-EmulatorAdmin 'faults' -Method DELETE }

function Import-TestModule {
    <# Import MgBridge by path (once per session). #>
    if (-not (Get-Module MgBridge)) {
        Import-Module (Join-Path $script:Repo 'psmodule/MgBridge.psd1') -Global -ErrorAction Stop
    }
}

function Connect-TestGraph {
    <# Add the Emu environment (once) and connect with the read-write (or read-only) client. #>
    param([switch]$ReadOnly)
    Import-TestModule
    $info = Get-TestEmulator
    if (-not (Get-MgEnvironment | Where-Object Name -eq 'Emu')) {
        $null = Add-MgEnvironment -Name Emu -AzureADEndpoint $info.login_url -GraphEndpoint $info.graph_url -CaFile $info.ca_file
    }
    $id, $secret = if ($ReadOnly) { $info.readonly_client_id, $info.readonly_client_secret } else { $info.client_id, $info.client_secret }
    $credential = [pscredential]::new($id, (ConvertTo-SecureString $secret -AsPlainText -Force))
    Connect-MgGraph -Environment Emu -ClientSecretCredential $credential -TenantId $info.tenant_id -NoWelcome
}

function Get-TestRepository { $script:Repo }

function Start-TestProxy {
    <# A real HTTP proxy on loopback: Debian's tinyproxy (installed by .ci/bootstrap),
       with Basic authentication when -UserName/-Password are given. Returns its URL, the
       log that records every request (CONNECT lines) and its process; Stop-TestProxy ends it. #>
    param([string]$UserName, [string]$Password)
    $binary = (Get-Command tinyproxy -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
    $dir = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-proxy-$PID-$([guid]::NewGuid().ToString('n'))"
    $null = New-Item -ItemType Directory -Path $dir
    # A free port: bind port 0, read it, release it (tinyproxy needs a number in its config).
    $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
    $log = Join-Path $dir 'tinyproxy.log'
    $config = @(
        "Port $port", 'Listen 127.0.0.1', 'Timeout 60', 'LogLevel Connect', "LogFile ""$log""",
        'MaxClients 20', 'Allow 127.0.0.1', 'DisableViaHeader Yes'
    )
    if ($UserName) { $config += "BasicAuth $UserName $Password" }
    $configPath = Join-Path $dir 'tinyproxy.conf'
    Set-Content -LiteralPath $configPath -Value $config
    $psi = [System.Diagnostics.ProcessStartInfo]::new($binary)
    foreach ($a in '-d', '-c', $configPath) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($psi)
    # Ready when it accepts a connection (bounded: 200 tries, each a real connect attempt).
    $ready = $false
    for ($i = 0; $i -lt 200 -and -not $ready -and -not $process.HasExited; $i++) {
        $client = [System.Net.Sockets.TcpClient]::new()
        try { $client.Connect([System.Net.IPAddress]::Loopback, $port); $ready = $true }
        catch { Start-Sleep -Milliseconds 50 }
        finally { $client.Dispose() }
    }
    if (-not $ready) { throw "tinyproxy did not start: $($process.StandardError.ReadToEnd())" }
    [pscustomobject]@{ Url = "http://127.0.0.1:$port"; Port = $port; Log = $log; Process = $process; Directory = $dir }
}

function Stop-TestProxy {
    param($Proxy)
    if ($Proxy -and -not $Proxy.Process.HasExited) { $Proxy.Process.Kill(); $null = $Proxy.Process.WaitForExit(5000) }
    if ($Proxy) { Remove-Item -LiteralPath $Proxy.Directory -Recurse -Force -ErrorAction SilentlyContinue }
}

function Get-TestProxyRequests {
    <# The request lines tinyproxy logged ("CONNECT 127.0.0.1:port HTTP/1.1", ...). #>
    param($Proxy)
    if (-not (Test-Path -LiteralPath $Proxy.Log)) { return @() }
    @(Get-Content -LiteralPath $Proxy.Log | ForEach-Object { if ($_ -match 'Request \(file descriptor \d+\): (.+)$') { $Matches[1] } })
}

function Get-TestTransport {
    <# The transport under test: $env:MGBRIDGE_TRANSPORT (Run-Pester sets it); unset or
       'auto' means pythonnet, the module's default where it can run. #>
    if ($env:MGBRIDGE_TRANSPORT -eq 'subprocess') { 'subprocess' } else { 'pythonnet' }
}

function Invoke-TestEmbeddedPython {
    <# Evaluate a Python expression in the module's embedded Python (pythonnet transport)
       and return its str() as text. #>
    param([Parameter(Mandatory)][string]$Expression)
    & (Get-Module MgBridge) {
        param($expression)
        Import-BridgePythonNetTransport
        $state = Initialize-BridgePythonNet
        Use-BridgePython -State $state {
            param($s)
            $result = $s.Types.PythonEngine::Eval("str($expression)")
            try { [string]$result.ToString() } finally { $result.Dispose() }
        }
    } $Expression
}

function Set-TestCoreFault {
    <# Make the core's next 'invoke' ops raise RuntimeError(Message) inside the embedded
       Python (pythonnet), as a bug in the core would; -Clear restores it. #>
    param([string]$Message = 'injected', [switch]$Clear)
    $code = if ($Clear) {
        "import bridge._api as _a`nif hasattr(_a, '_test_saved_invoke'): _a.invoke = _a._test_saved_invoke; del _a._test_saved_invoke"
    } else {
        "import bridge._api as _a`nif not hasattr(_a, '_test_saved_invoke'): _a._test_saved_invoke = _a.invoke`n" +
            "def _boom(*args, **kwargs): raise RuntimeError($(ConvertTo-Json -InputObject $Message))`n_a.invoke = _boom"
    }
    & (Get-Module MgBridge) {
        param($code)
        Import-BridgePythonNetTransport
        $state = Initialize-BridgePythonNet
        Use-BridgePython -State $state { param($s) $s.Types.PythonEngine::Exec($code) }
    } $code
}

function Get-TestPwsh {
    <# The pwsh executable for child sessions (a dotnet global tool runs under dotnet). #>
    $command = Get-Command pwsh -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($command) { return $command.Source }
    Join-Path $PSHOME 'pwsh'
}

function ConvertFrom-TestYaml {
    <# Read a YAML file through the core's Python (pwsh has no YAML reader). #>
    param([string]$Path)
    $code = 'import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1], encoding="utf-8"))))'
    (& (Get-TestPython) -c $code $Path) | ConvertFrom-Json -AsHashtable
}

Export-ModuleMember -Function *
