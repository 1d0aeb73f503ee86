<#
.SYNOPSIS
    Use the installed MgBridge as a user would, against the emulator, and report what ran.
.DESCRIPTION
    Run by test_installed_packages.py in a fresh pwsh whose HOME, module folder, Python and
    working folder are scratch copies with no path back to the checkout. Imports the
    module by name, connects to the emulator, creates a job from a NOTES-shaped hashtable,
    repeats it with -WhatIf, and prints, last, one JSON object saying where everything came from.
.PARAMETER EmulatorInfo
    The emulator's info file (a JSON line: endpoints, CA file, client credentials).
#>
param([Parameter(Mandatory)][string]$EmulatorInfo)
$ErrorActionPreference = 'Stop'
$info = [System.IO.File]::ReadAllText($EmulatorInfo) | ConvertFrom-Json
$before = @([AppDomain]::CurrentDomain.GetAssemblies() | ForEach-Object { $_.GetName().Name })

Import-Module MgBridge
$module = Get-Module MgBridge
$null = Add-MgEnvironment -Name Emulator -AzureADEndpoint $info.login_url -GraphEndpoint $info.graph_url -CaFile $info.ca_file
$credential = [pscredential]::new($info.client_id, (ConvertTo-SecureString $info.client_secret -AsPlainText -Force))
Connect-MgGraph -Environment Emulator -TenantId $info.tenant_id -ClientSecretCredential $credential -NoWelcome
$body = @{
    TemplateId       = 'scim'
    ScheduleInterval = [TimeSpan]::FromMinutes(40)
    SchemaSynchronizationRules = @(@{ Name = 'USER_OUTBOUND_USER'; ObjectMappings = @(@{ Name = 'Users'; Enabled = $true }) })
}
$job = New-MgApplicationSynchronizationJob -ApplicationId $info.application_id -BodyParameter $body
# -WhatIf's text goes to the host (this process's stdout), before the report.
New-MgApplicationSynchronizationJob -ApplicationId $info.application_id -BodyParameter $body -WhatIf
$core = & $module { (Invoke-BridgeCore -Message @{ op = 'hello' }).result }
$after = @([AppDomain]::CurrentDomain.GetAssemblies() | ForEach-Object { $_.GetName().Name })
# Every assembly that defines the module's types: only the package's own DLL may (Add-Type
# would have made another, in memory or in the cache).
$models = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetType('MgBridge.BridgeJson') }
[pscustomobject]@{
    ModuleBase     = $module.ModuleBase
    ModuleVersion  = $module.Version.ToString()
    Transport      = & $module { $script:BridgeTransport }
    Fallback       = & $module { $script:BridgeTransportFallback }
    CoreVersion    = $core.package
    CoreLocation   = $core.location
    CoreExecutable = $core.executable
    JobId          = $job.Id
    JobType        = $job.PSObject.TypeNames[0]
    Interval       = [string]$job.ScheduleInterval
    Models         = @($models | ForEach-Object Location)
    Compilers      = @($after | Where-Object { $_ -like 'Microsoft.CodeAnalysis*' -and $_ -notin $before })
    Help           = (Get-Help New-MgApplicationSynchronizationJob).Synopsis
    ProjectUri     = [string]$module.PrivateData.PSData.ProjectUri
    LicenseUri     = [string]$module.PrivateData.PSData.LicenseUri
    ReleaseNotes   = [string]$module.PrivateData.PSData.ReleaseNotes
    FileList       = @($module.FileList | ForEach-Object { [System.IO.Path]::GetRelativePath($module.ModuleBase, $_) -replace '\\', '/' })
    Files          = @(Get-ChildItem -LiteralPath $module.ModuleBase -Recurse -File | ForEach-Object {
            [System.IO.Path]::GetRelativePath($module.ModuleBase, $_.FullName) -replace '\\', '/' })
} | ConvertTo-Json -Compress
