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
$transport = & (Get-Module MgBridge) { $script:BridgeTransport }
[ordered]@{ sequential_ms = $sequential; parallel_ms = $parallel; transport = $transport
    failures = @($failures | Select-Object -First 3) } | ConvertTo-Json -Compress
