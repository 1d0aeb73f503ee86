# Goal 3's PowerShell side (bench/bench_goals.py): after fifty warm-up calls (.NET's tiered
# JIT settles meanwhile), the median of
# $Calls creates, one Stopwatch each. Prints one JSON line.
param([Parameter(Mandatory)][string]$ValuesFile, [int]$Calls = 200)
$v = [System.IO.File]::ReadAllLines($ValuesFile)
Import-Module MgBridge
$null = Add-MgEnvironment -Name Bench -AzureADEndpoint $v[0] -GraphEndpoint $v[1] -CaFile $v[2]
$secret = ConvertTo-SecureString $v[5] -AsPlainText -Force
Connect-MgGraph -Environment Bench -TenantId $v[3] -ClientSecretCredential ([pscredential]::new($v[4], $secret)) -NoWelcome
$app = $v[6]
foreach ($i in 1..50) { $null = New-MgApplicationSynchronizationJob -ApplicationId $app -TemplateId 'warm-up' }
$clock = [System.Diagnostics.Stopwatch]::new()
$times = [double[]]::new($Calls)
for ($i = 0; $i -lt $Calls; $i++) {
    $clock.Restart()
    $null = New-MgApplicationSynchronizationJob -ApplicationId $app -TemplateId 'warm'
    $times[$i] = $clock.Elapsed.TotalMilliseconds
}
[System.Array]::Sort($times)
$transport = & (Get-Module MgBridge) { $script:BridgeTransport }
[ordered]@{ median_ms = $times[[int][math]::Floor($Calls / 2)]; transport = $transport } | ConvertTo-Json -Compress
