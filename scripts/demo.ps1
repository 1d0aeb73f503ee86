<#
.SYNOPSIS
    The PowerShell side of the demo: a real pwsh session against the local Graph emulator.
.DESCRIPTION
    Run by 'bash scripts/demo'. Starts the emulator (python -m bridge.emulator: HTTPS on
    loopback, its own CA, token endpoints), makes MgBridge findable by name the way an
    installed module is (a module folder on PSModulePath holding a link to psmodule/), then
    shows each step as 'PS> <command>' before running it: Import-Module MgBridge,
    Add-MgEnvironment, Connect-MgGraph, a job from a NOTES-shaped hashtable with its default
    output, and the same call with -WhatIf. The emulator's client secret is never printed.
#>
[CmdletBinding()]
param()
$ErrorActionPreference = 'Stop'
$repo = (Resolve-Path (Join-Path $PSScriptRoot '..')).ProviderPath
$python = Join-Path $repo '.venv/bin/python'

function Show-DemoStep {
    # Show a step's code as typed at a prompt ('PS>' then '>>' for continuation lines);
    # the caller then runs it in the script's scope.
    param([Parameter(Mandatory)][scriptblock]$Step)
    $lines = $Step.ToString().Trim() -split "`n"
    $rest = @($lines | Select-Object -Skip 1)
    $indent = ($rest | Where-Object { $_.Trim() } | ForEach-Object { $_.Length - $_.TrimStart().Length } | Measure-Object -Minimum).Minimum
    Write-Host ''
    Write-Host "PS> $($lines[0].Trim())" -ForegroundColor Cyan
    foreach ($line in $rest) {
        $shown = if ($indent -and $line.Length -ge $indent) { $line.Substring($indent) } else { $line.Trim() }
        Write-Host ">> $shown" -ForegroundColor Cyan
    }
}

$modules = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-demo-$PID"
$null = New-Item -ItemType Directory -Force $modules
$null = New-Item -ItemType SymbolicLink -Path (Join-Path $modules 'MgBridge') -Target (Join-Path $repo 'psmodule')
$env:PSModulePath = $modules + [System.IO.Path]::PathSeparator + $env:PSModulePath

$start = [System.Diagnostics.ProcessStartInfo]::new($python)
foreach ($a in '-m', 'bridge.emulator') { $start.ArgumentList.Add($a) }
$start.RedirectStandardOutput = $true
$start.UseShellExecute = $false
$emulator = [System.Diagnostics.Process]::Start($start)
try {
    $info = $emulator.StandardOutput.ReadLine() | ConvertFrom-Json
    Write-Host "emulator: Graph at $($info.graph_url), sign-in at $($info.login_url)"
    $appId = $info.application_id
    $caFile = $info.ca_file
    $credential = [pscredential]::new($info.client_id, (ConvertTo-SecureString $info.client_secret -AsPlainText -Force))
    $tenantId = $info.tenant_id
    $loginUrl = $info.login_url
    $graphUrl = $info.graph_url

    $steps = @(
        { Import-Module MgBridge }
        { Add-MgEnvironment -Name Emulator -AzureADEndpoint $loginUrl -GraphEndpoint $graphUrl -CaFile $caFile }
        { Connect-MgGraph -Environment Emulator -TenantId $tenantId -ClientSecretCredential $credential }
        {
            # The body as the cmdlet's NOTES describe BODYPARAMETER.
            $params = @{
                TemplateId = "scim"
                ScheduleInterval = [TimeSpan]::FromMinutes(40)
                ScheduleState = "Active"
                SynchronizationJobSettings = @(
                    @{ Name = "AzureIngestionAttributeOptimization"; Value = "False" }
                )
                SchemaSynchronizationRules = @(
                    @{
                        Name = "USER_OUTBOUND_USER"
                        SourceDirectoryName = "Azure Active Directory"
                        TargetDirectoryName = "customappsso"
                        ObjectMappings = @(
                            @{ Name = "Provision Azure Active Directory Users"; Enabled = $true
                               SourceObjectName = "User"; TargetObjectName = "urn:ietf:params:scim:schemas:core:2.0:User" }
                        )
                    }
                )
            }
        }
        { New-MgApplicationSynchronizationJob -ApplicationId $appId -BodyParameter $params }
        { New-MgApplicationSynchronizationJob -ApplicationId $appId -BodyParameter $params -WhatIf }
    )
    # A foreach statement, not a function: each step runs in this scope, so $params stays.
    foreach ($step in $steps) {
        Show-DemoStep $step
        . $step | Out-Host
    }
    $null = Disconnect-MgGraph
} finally {
    if (-not $emulator.HasExited) { $emulator.Kill() }
    $null = $emulator.WaitForExit(10000)
    $emulator.Dispose()
    Remove-Item -LiteralPath (Join-Path $modules 'MgBridge') -Force -ErrorAction SilentlyContinue
    Remove-Item -LiteralPath $modules -Recurse -Force -ErrorAction SilentlyContinue
}
