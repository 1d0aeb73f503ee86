<#
.SYNOPSIS
    Benchmark the MgBridge module on each transport against one emulator: import time,
    first call, warm per-call latency, 1,000 calls in a pipeline, peak RSS; and
    Invoke-RestMethod for the same request as the floor.
.DESCRIPTION
    Starts `python -m bridge.emulator` once, then, for each transport, measures in fresh
    child pwsh processes (so import and first call are cold): Import-Module (after a
    warm-up import of an empty module, so the engine's own first-module cost is not
    counted; median of 3 cold imports), Connect-MgGraph, the first
    New-MgApplicationSynchronizationJob creating a job (starts Python: the helper, or
    the embedded interpreter), the median of -Calls warm calls, 1,000 bodies piped into
    one New-MgApplicationSynchronizationJob, and Invoke-RestMethod posting the same body
    with a token from the same emulator (the floor; measured in the same child, right
    after the cmdlet). Overhead = cmdlet - Invoke-RestMethod. Peak RSS is VmHWM of pwsh
    and of the helper (subprocess only). Targets: import <= 0.2 s; warm overhead
    <= 2 ms (pythonnet), <= 5 ms (subprocess); pwsh RSS with the core loaded <= 150 MB.
    docs/performance.md records the figures and the method.
.PARAMETER Calls
    Warm calls to time (median reported).
.PARAMETER Transport
    The transports to measure (default both).
.EXAMPLE
    pwsh -NoProfile -File bench/bench_module.ps1
#>
param([int]$Calls = 200, [string[]]$Transport = @('subprocess', 'pythonnet'), [int]$Pipeline = 1000)
$ErrorActionPreference = 'Stop'
$repo = Resolve-Path (Join-Path $PSScriptRoot '..')
$python = if (Test-Path "$repo/.venv/bin/python") { "$repo/.venv/bin/python" } else { '/usr/bin/python3' }
$psi = [System.Diagnostics.ProcessStartInfo]::new($python)
foreach ($a in '-m', 'bridge.emulator') { $psi.ArgumentList.Add($a) }
$psi.RedirectStandardOutput = $true; $psi.UseShellExecute = $false
$psi.Environment['PYTHONPATH'] = "$repo"
$emulator = [System.Diagnostics.Process]::Start($psi)
$infoFile = [System.IO.Path]::GetTempFileName()
try {
    [System.IO.File]::WriteAllText($infoFile, $emulator.StandardOutput.ReadLine())
    $pwsh = (Get-Command pwsh -CommandType Application | Select-Object -First 1).Source
    $child = @'
param($repo, $infoFile, $calls, $transport, $pipeline)
$env:MGBRIDGE_TRANSPORT = $transport
$info = Get-Content -Raw $infoFile | ConvertFrom-Json
$empty = Join-Path ([IO.Path]::GetTempPath()) 'mgbridge-bench-empty.psm1'
Set-Content $empty 'function Get-Nothing {}'
Import-Module $empty
$sw = [Diagnostics.Stopwatch]::StartNew()
Import-Module "$repo/psmodule/MgBridge.psd1"
$import = $sw.Elapsed.TotalMilliseconds
$null = Add-MgEnvironment -Name Emu -AzureADEndpoint $info.login_url -GraphEndpoint $info.graph_url -CaFile $info.ca_file
$cred = [pscredential]::new($info.client_id, (ConvertTo-SecureString $info.client_secret -AsPlainText -Force))
$sw.Restart()
Connect-MgGraph -Environment Emu -ClientSecretCredential $cred -TenantId $info.tenant_id -NoWelcome
$connect = $sw.Elapsed.TotalMilliseconds
$sw.Restart()
$null = New-MgApplicationSynchronizationJob -ApplicationId $info.application_id -TemplateId 'bench'
$first = $sw.Elapsed.TotalMilliseconds
$times = foreach ($i in 1..$calls) {
    $sw.Restart()
    $null = New-MgApplicationSynchronizationJob -ApplicationId $info.application_id -TemplateId 'bench'
    $sw.Elapsed.TotalMilliseconds
}
$bodies = foreach ($i in 1..$pipeline) { @{ templateId = 'bench' } }
$sw.Restart()
$bodies | New-MgApplicationSynchronizationJob -ApplicationId $info.application_id | Out-Null
$pipelineMs = $sw.Elapsed.TotalMilliseconds / [math]::Max(1, $pipeline)
$used = & (Get-Module MgBridge) { $script:BridgeTransport }
# The floor: the same POST by Invoke-RestMethod, token from the same emulator.
$token = (Invoke-RestMethod -SkipCertificateCheck -Method Post -Uri "$($info.authority)/oauth2/v2.0/token" -Body @{
    grant_type = 'client_credentials'; client_id = $info.client_id; client_secret = $info.client_secret
    scope = "$($info.graph_url)/.default" }).access_token
$uri = "$($info.graph_url)/v1.0/applications/$($info.application_id)/synchronization/jobs"
$headers = @{ Authorization = "Bearer $token" }
$null = Invoke-RestMethod -SkipCertificateCheck -Method Post -Uri $uri -Headers $headers -ContentType 'application/json' -Body '{"templateId":"bench"}'
$irm = foreach ($i in 1..$calls) {
    $sw.Restart()
    $null = Invoke-RestMethod -SkipCertificateCheck -Method Post -Uri $uri -Headers $headers -ContentType 'application/json' -Body '{"templateId":"bench"}'
    $sw.Elapsed.TotalMilliseconds
}
function Median($values) { $s = @($values | Sort-Object); $s[[int][math]::Floor($s.Count / 2)] }
# The process-wide helper (subprocess transport), if one runs.
$helperPid = & (Get-Module MgBridge) { $h = (Get-BridgeSubprocessState).Helper; if ($h) { $h.Id } }
function Get-Hwm($processId) {
    if (-not $processId) { return 0 }
    $line = @(Get-Content "/proc/$processId/status") -match '^VmHWM'; [double]($line[0] -replace '\D', '') / 1024
}
[pscustomobject]@{
    Transport = $used; ImportMs = $import; ConnectMs = $connect; FirstCallMs = $first
    WarmMedianMs = (Median $times); IrmMedianMs = (Median $irm); PipelinePerCallMs = $pipelineMs
    PwshPeakRssMB = (Get-Hwm $PID); HelperPeakRssMB = (Get-Hwm $helperPid)
} | ConvertTo-Json -Compress
'@
    $script = Join-Path ([IO.Path]::GetTempPath()) "mgbridge-bench-$PID.ps1"
    Set-Content -Path $script -Value $child
    $rows = foreach ($name in $Transport) {
        # Three cold imports (import is noisy on a busy machine); a fourth run times the calls.
        $imports = foreach ($i in 1..3) { (& $pwsh -NoProfile -NonInteractive -File $script $repo $infoFile 5 $name 5 | ConvertFrom-Json).ImportMs }
        $r = & $pwsh -NoProfile -NonInteractive -File $script $repo $infoFile $Calls $name $Pipeline | ConvertFrom-Json
        $r | Add-Member ImportMedianMs ($imports | Sort-Object)[1]
        $r | Add-Member Imports (($imports | ForEach-Object { '{0:n0}' -f $_ }) -join ', ')
        $r
    }
    function Test-Target($value, $limit) { if ($value -le $limit) { 'met' } else { 'NOT met' } }
    "MgBridge benchmark ($Calls warm calls, $Pipeline in a pipeline, emulator on loopback; one fresh pwsh per transport)"
    foreach ($r in $rows) {
        $overhead = $r.WarmMedianMs - $r.IrmMedianMs
        $limit = if ($r.Transport -eq 'pythonnet') { 2 } else { 5 }
        ''
        "transport $($r.Transport)"
        '  Import-Module          {0,8:n1} ms  (median of 3 cold imports: {1})  target <= 200 ms: {2}' -f $r.ImportMedianMs, $r.Imports, (Test-Target $r.ImportMedianMs 200)
        '  Connect-MgGraph        {0,8:n1} ms' -f $r.ConnectMs
        '  first call             {0,8:n1} ms  (starts Python)' -f $r.FirstCallMs
        '  warm call (median)     {0,8:n2} ms' -f $r.WarmMedianMs
        '  Invoke-RestMethod      {0,8:n2} ms  (same POST, the floor)' -f $r.IrmMedianMs
        '  warm overhead          {0,8:n2} ms  target <= {1} ms: {2}' -f $overhead, $limit, (Test-Target $overhead $limit)
        '  {0} in a pipeline    {1,8:n2} ms per call' -f $Pipeline, $r.PipelinePerCallMs
        '  peak RSS pwsh          {0,8:n1} MB  target <= 150 MB: {1}' -f $r.PwshPeakRssMB, (Test-Target $r.PwshPeakRssMB 150)
        if ($r.HelperPeakRssMB) { '  peak RSS helper        {0,8:n1} MB  (pwsh + helper {1:n1} MB)' -f $r.HelperPeakRssMB, ($r.PwshPeakRssMB + $r.HelperPeakRssMB) }
    }
} finally {
    $emulator.Kill(); $null = $emulator.WaitForExit(5000)
    Remove-Item $infoFile -ErrorAction SilentlyContinue
}
