#Requires -Version 7.2
<#
.SYNOPSIS
    Transport overhead: the same protocol message through pythonnet (in-process) and the
    subprocess helper, each in a fresh pwsh.
.DESCRIPTION
    For each transport, in its own pwsh (so RSS is that transport's alone): the time to
    dot-source/import, the first call (Python start + core import), warm per-call latency
    of a trivial message ('profile get': no network), 1,000 calls in a pipeline, and the
    process's working set and peak after. No Graph request is made: this is the transport's
    own cost, to add to the cmdlet's. (The cmdlet-level benchmark with the emulator and the
    Invoke-RestMethod floor is the module's bench.)
.PARAMETER Calls
    Calls in the pipeline measurement (default 1000).
.EXAMPLE
    pwsh -NoProfile -File bench/bench_transports.ps1
#>
param([int]$Calls = 1000)

$repo = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
$pwsh = (Get-Command pwsh).Source
$transportDir = Join-Path $repo 'psmodule/pythonnet'
$manifest = Join-Path $repo 'psmodule/MgBridge.psd1'

$common = @'
function Measure-Ms([scriptblock]$Block) { $c = [Diagnostics.Stopwatch]::StartNew(); $null = & $Block; $c.Elapsed.TotalMilliseconds }
$rssBefore = (Get-Process -Id $PID).WorkingSet64
'@

$scenarios = [ordered]@{
    pythonnet = @"
$common
`$import = Measure-Ms { Import-Module '$manifest' }
`$importTransport = Measure-Ms { foreach (`$f in [System.IO.Directory]::GetFiles('$transportDir', '*.ps1')) { . `$f } }
foreach (`$f in [System.IO.Directory]::GetFiles('$transportDir', '*.ps1')) { . `$f }
`$import += `$importTransport   # the module plus this transport's files (the codec comes from the module)
`$msg = '{"v":1,"id":1,"op":"profile","args":{"action":"get"}}'
`$first = Measure-Ms { Invoke-BridgePythonNet -Json `$msg }
1..200 | ForEach-Object { `$null = Invoke-BridgePythonNet -Json `$msg }   # warm up PowerShell's compiler
`$samples = 1..300 | ForEach-Object { Measure-Ms { Invoke-BridgePythonNet -Json `$msg } } | Sort-Object
`$pipeline = Measure-Ms { 1..$Calls | ForEach-Object { Invoke-BridgePythonNet -Json `$msg } }
`$dict = 1..300 | ForEach-Object { Measure-Ms { Send-BridgePythonNetMessage -Message @{ op = 'profile'; args = @{ action = 'get' } } } } | Sort-Object
"@
    subprocess = @"
$common
`$import = Measure-Ms { Import-Module '$manifest' }
`$module = Get-Module MgBridge
`$env:MGBRIDGE_TRANSPORT = 'subprocess'
`$first = Measure-Ms { & `$module { Send-BridgeSubprocessMessage -Message @{ op = 'profile'; args = @{ action = 'get' } } } }
1..200 | ForEach-Object { `$null = & `$module { Send-BridgeSubprocessMessage -Message @{ op = 'profile'; args = @{ action = 'get' } } } }
`$samples = 1..300 | ForEach-Object { Measure-Ms { & `$module { Send-BridgeSubprocessMessage -Message @{ op = 'profile'; args = @{ action = 'get' } } } } } | Sort-Object
`$pipeline = Measure-Ms { 1..$Calls | ForEach-Object { & `$module { Send-BridgeSubprocessMessage -Message @{ op = 'profile'; args = @{ action = 'get' } } } } }
`$dict = `$samples
"@
}

$tail = @'
$p = Get-Process -Id $PID
'RESULT ' + ([ordered]@{
    importMs = [math]::Round($import, 1); firstCallMs = [math]::Round($first, 1)
    warmMedianMs = [math]::Round($samples[[int]($samples.Count / 2)], 3)
    warmP90Ms = [math]::Round($samples[[int]($samples.Count * 0.9)], 3)
    dictMedianMs = [math]::Round($dict[[int]($dict.Count / 2)], 3)
    pipelineMs = [math]::Round($pipeline, 1); perCallInPipelineMs = [math]::Round($pipeline / CALLS, 3)
    rssBeforeMB = [math]::Round($rssBefore / 1MB, 1); rssMB = [math]::Round($p.WorkingSet64 / 1MB, 1)
    peakRssMB = [math]::Round($p.PeakWorkingSet64 / 1MB, 1)
} | ConvertTo-Json -Compress)
'@.Replace('CALLS', "$Calls")

$rows = foreach ($name in $scenarios.Keys) {
    if ($name -eq 'subprocess' -and -not (Test-Path $manifest)) { continue }
    $out = & $pwsh -NoProfile -NonInteractive -Command ($scenarios[$name] + "`n" + $tail) 2>&1
    $line = $out | Where-Object { "$_" -like 'RESULT *' } | Select-Object -Last 1
    if (-not $line) { Write-Warning "$name failed:`n$($out -join "`n")"; continue }
    $r = "$line".Substring(7) | ConvertFrom-Json
    [pscustomobject]([ordered]@{ Transport = $name } + [ordered]@{
            'Import (ms)' = $r.importMs; 'First call (ms)' = $r.firstCallMs
            'Warm median (ms)' = $r.warmMedianMs; 'Warm p90 (ms)' = $r.warmP90Ms
            'Dict msg median (ms)' = $r.dictMedianMs
            "$Calls in pipeline (ms)" = $r.pipelineMs; 'Per call (ms)' = $r.perCallInPipelineMs
            'RSS before (MB)' = $r.rssBeforeMB; 'RSS after (MB)' = $r.rssMB; 'Peak RSS (MB)' = $r.peakRssMB
        })
}
$rows | Format-List
