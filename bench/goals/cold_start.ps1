# The script of goal 2 (bench/bench_goals.py): what a user's script does to make its first
# job. Import-Module, Add-MgEnvironment, Connect-MgGraph, one create. The emulator's values
# come one a line from the file named by the argument (a plain read: no JSON parser to
# charge to the module); the file is the benchmark's, removed when it ends.
param([Parameter(Mandatory)][string]$ValuesFile)
$v = [System.IO.File]::ReadAllLines($ValuesFile)
Import-Module MgBridge
$null = Add-MgEnvironment -Name Bench -AzureADEndpoint $v[0] -GraphEndpoint $v[1] -CaFile $v[2]
$secret = ConvertTo-SecureString $v[5] -AsPlainText -Force
Connect-MgGraph -Environment Bench -TenantId $v[3] -ClientSecretCredential ([pscredential]::new($v[4], $secret)) -NoWelcome
$null = New-MgApplicationSynchronizationJob -ApplicationId $v[6] -TemplateId 'cold'
