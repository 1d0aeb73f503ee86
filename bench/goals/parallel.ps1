# Goal 4's PowerShell side (bench/bench_goals.py): $Count creates in a plain loop, then
# $Count creates through ForEach-Object -Parallel -ThrottleLimit $Throttle (the module
# autoloads in each runspace, by name from PSModulePath; the connection is the process's),
# each phase into its own application so the benchmark can count exactly what each stored.
# (An Import-Module inside the block would cost PowerShell 4-9 ms per item even when the
# module is loaded: docs/performance.md.) Prints one JSON line.
param([Parameter(Mandatory)][string]$ValuesFile, [Parameter(Mandatory)][string]$SequentialApp,
    [Parameter(Mandatory)][string]$ParallelApp, [int]$Count = 200, [int]$Throttle = 8)
$ErrorActionPreference = 'Stop'
$v = [System.IO.File]::ReadAllLines($ValuesFile)
Import-Module MgBridge
$null = Add-MgEnvironment -Name Bench -AzureADEndpoint $v[0] -GraphEndpoint $v[1] -CaFile $v[2]
$secret = ConvertTo-SecureString $v[5] -AsPlainText -Force
Connect-MgGraph -Environment Bench -TenantId $v[3] -ClientSecretCredential ([pscredential]::new($v[4], $secret)) -NoWelcome
$null = New-MgApplicationSynchronizationJob -ApplicationId $v[6] -TemplateId 'warm-up'
$clock = [System.Diagnostics.Stopwatch]::StartNew()
foreach ($i in 1..$Count) { $null = New-MgApplicationSynchronizationJob -ApplicationId $SequentialApp -TemplateId "seq-$i" }
$sequential = $clock.Elapsed.TotalMilliseconds
$clock.Restart()
$failures = 1..$Count | ForEach-Object -ThrottleLimit $Throttle -Parallel {
    try {
        $null = New-MgApplicationSynchronizationJob -ApplicationId $using:ParallelApp -TemplateId "par-$_" -ErrorAction Stop
    } catch { "$_" }
}
$parallel = $clock.Elapsed.TotalMilliseconds
# The floors, same process: what ForEach-Object -Parallel costs with nothing in the block,
# and (subprocess) $Throttle creates in flight at once over the one helper from this
# thread, raw (no PowerShell layers, no runspaces), against one at a time: whether the
# helper multiplexes, and what a create costs the CPU (helper and emulator) when it does.
$clock.Restart()
1..$Count | ForEach-Object -ThrottleLimit $Throttle -Parallel { $null = $_ }
$emptyParallel = $clock.Elapsed.TotalMilliseconds
$transport = & (Get-Module MgBridge) { $script:BridgeTransport }
$raw = if ($transport -eq 'subprocess') {
    & (Get-Module MgBridge) { param($App, $Batch, $Rounds)
        $helper = (Get-BridgeSubprocessState).Helper
        $times = foreach ($n in 1, $Batch) {
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            foreach ($round in 1..$Rounds) {
                $ids = foreach ($k in 1..$n) {
                    $id = [MgBridge.BridgeRequestId]::Next()
                    $message = @{ op = 'invoke'; args = [ordered]@{ parameters = [ordered]@{ ApplicationId = $App; TemplateId = 'raw' }; whatIf = $false } }
                    if (-not [MgBridge.HelperCall]::Send($helper, $message, $id)) { throw 'the helper is gone' }
                    $id
                }
                foreach ($id in $ids) {
                    if ($null -eq [MgBridge.HelperCall]::Receive($helper, $id, $null)) { throw 'no answer' }
                    $helper.Forget($id)
                }
            }
            $clock.Elapsed.TotalMilliseconds / $Rounds
        }
        [ordered]@{ one_ms = $times[0]; batch_ms = $times[1]; batch = $Batch }
    } $v[6] $Throttle 5
}
[ordered]@{ sequential_ms = $sequential; parallel_ms = $parallel; transport = $transport
    empty_parallel_ms = $emptyParallel; raw = $raw
    failures = @($failures | Select-Object -First 3) } | ConvertTo-Json -Compress
