<#
.SYNOPSIS
    Benchmark the MgBridge module against one emulator: import time, first call, warm
    per-call latency, the same request by Invoke-RestMethod, peak RSS.
.DESCRIPTION
    Starts `python -m bridge.emulator`, then measures in fresh child pwsh processes (so
    import and first call are cold): Import-Module (after a warm-up import of an empty
    module, so the engine's own first-module cost is not counted), the first
    New-MgApplicationSynchronizationJob (starts the helper), the median warm call, and
    Invoke-RestMethod posting the same body with a token from the same emulator (the
    floor). Peak RSS is VmHWM of pwsh plus the helper. Targets: import <= 0.2 s,
    warm overhead over Invoke-RestMethod <= 5 ms.
.PARAMETER Calls
    Warm calls to time (median reported).
.EXAMPLE
    pwsh -NoProfile -File bench/bench_module.ps1
#>
param([int]$Calls = 200, [string]$Transport = 'subprocess')
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
param($repo, $infoFile, $calls, $transport)
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
$helperPid = & (Get-Module MgBridge) { $script:BridgeHelper.Id }
function Get-Hwm($processId) { $line = @(Get-Content "/proc/$processId/status") -match '^VmHWM'; [double]($line[0] -replace '\D', '') / 1024 }
[pscustomobject]@{
    ImportMs = $import; ConnectMs = $connect; FirstCallMs = $first
    WarmMedianMs = (Median $times); IrmMedianMs = (Median $irm)
    PwshPeakRssMB = (Get-Hwm $PID); HelperPeakRssMB = (Get-Hwm $helperPid)
} | ConvertTo-Json -Compress
'@
    $script = Join-Path ([IO.Path]::GetTempPath()) "mgbridge-bench-$PID.ps1"
    Set-Content -Path $script -Value $child
    # Three cold imports (import is noisy on a busy machine); the last run also times calls.
    $imports = foreach ($i in 1..3) { (& $pwsh -NoProfile -NonInteractive -File $script $repo $infoFile 5 $Transport | ConvertFrom-Json).ImportMs }
    $r = & $pwsh -NoProfile -NonInteractive -File $script $repo $infoFile $Calls $Transport | ConvertFrom-Json
    $importMedian = ($imports | Sort-Object)[1]
    $overhead = $r.WarmMedianMs - $r.IrmMedianMs
    "MgBridge benchmark (transport $Transport, $Calls warm calls, emulator on loopback)"
    '  Import-Module          {0,8:n1} ms  (median of 3 cold imports: {1})  target <= 200 ms: {2}' -f $importMedian, (($imports | ForEach-Object { '{0:n0}' -f $_ }) -join ', '), $(if ($importMedian -le 200) { 'met' } else { 'NOT met' })
    '  Connect-MgGraph        {0,8:n1} ms  (signs in; the helper started at Add-MgEnvironment)' -f $r.ConnectMs
    '  first call             {0,8:n1} ms' -f $r.FirstCallMs
    '  warm call (median)     {0,8:n2} ms' -f $r.WarmMedianMs
    '  Invoke-RestMethod      {0,8:n2} ms  (same POST, the floor)' -f $r.IrmMedianMs
    '  warm overhead          {0,8:n2} ms  target <= 5 ms: {1}' -f $overhead, $(if ($overhead -le 5) { 'met' } else { 'NOT met' })
    '  peak RSS pwsh          {0,8:n1} MB' -f $r.PwshPeakRssMB
    '  peak RSS helper        {0,8:n1} MB  (pwsh + helper {1:n1} MB)' -f $r.HelperPeakRssMB, ($r.PwshPeakRssMB + $r.HelperPeakRssMB)
} finally {
    $emulator.Kill(); $null = $emulator.WaitForExit(5000)
    Remove-Item $infoFile -ErrorAction SilentlyContinue
}
