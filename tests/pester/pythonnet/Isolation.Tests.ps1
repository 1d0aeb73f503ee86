#Requires -Version 7.2
# Microsoft's Graph modules break when Az modules loaded other versions of
# Microsoft.Identity.Client / Azure.Core first (their issues #532, #1738, #3479). This module
# loads no MSAL.NET and no Azure.Core at all (sign-in is Python msal, in the core), and its
# Python.Runtime lives in a load context of its own. Each case runs in a fresh pwsh, so what
# it loads never leaks into the other test files.

BeforeAll {
    . (Join-Path $PSScriptRoot 'PythonNetTestHelpers.ps1')
    $nuget = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    $script:Msal = Join-Path $nuget 'microsoft.identity.client/4.55.0/lib/net6.0/Microsoft.Identity.Client.dll'
    $script:AzureCore = Join-Path $nuget 'azure.core/1.33.0/lib/net6.0/Azure.Core.dll'
    $script:NuGetRuntime = Join-Path $nuget 'pythonnet/3.2.1/lib/netstandard2.0/Python.Runtime.dll'
    $script:Manifest = Join-Path $script:RepoRoot 'psmodule/MgBridge.psd1'

    # Loads the "Az" versions first, then the module, then calls through both transports;
    # prints one JSON line of findings.
    $script:Scenario = @'
Add-Type -Path '__MSAL__'
[void][System.Reflection.Assembly]::LoadFrom('__AZCORE__')
$found = [ordered]@{}
$module = $null
if (Test-Path '__MANIFEST__') {
    $module = Import-Module '__MANIFEST__' -PassThru -ErrorAction Stop
    $env:MGBRIDGE_TRANSPORT = 'subprocess'
    $found.subprocess = @(Get-MgEnvironment -ErrorAction Stop).Name -contains 'Global'
    $found.subprocessHello = (& $module { Invoke-BridgeCore -Message @{ op = 'hello' } }).ok
    $env:MGBRIDGE_TRANSPORT = 'pythonnet'
    try {
        $found.modulePythonNet = @(Get-MgEnvironment -ErrorAction Stop).Name -contains 'Global'
    } catch {
        $found.modulePythonNet = "not wired: $($_.FullyQualifiedErrorId)"
    }
}
$found.pythonnetHello = ((Invoke-BridgePythonNet -Json '{"v":1,"id":1,"op":"hello"}') | ConvertFrom-Json).ok
$found.pythonnetEnvironments = @(((Invoke-BridgePythonNet -Json '{"v":1,"id":2,"op":"environments","args":{"action":"get"}}') | ConvertFrom-Json).result.environments.name) -contains 'Global'
$asm = [AppDomain]::CurrentDomain.GetAssemblies()
$found.msal = @($asm | Where-Object { $_.GetName().Name -eq 'Microsoft.Identity.Client' } | ForEach-Object { $_.GetName().Version.ToString() })
$found.azureCore = @($asm | Where-Object { $_.GetName().Name -eq 'Azure.Core' } | ForEach-Object { $_.GetName().Version.ToString() })
$found.identityModel = @($asm | Where-Object { $_.GetName().Name -like 'Microsoft.IdentityModel*' }).Count
$found.pythonRuntime = @($asm | Where-Object { $_.GetName().Name -eq 'Python.Runtime' } | ForEach-Object { [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name })
'FOUND ' + ($found | ConvertTo-Json -Compress)
'@.Replace('__MSAL__', $script:Msal).Replace('__AZCORE__', $script:AzureCore).Replace('__MANIFEST__', $script:Manifest)
}

Describe 'Other versions of MSAL.NET and Azure.Core loaded first (as Az does)' {
    It 'both transports still work, and the session holds only the versions loaded first' {
        $result = Invoke-TestPwsh -Script $script:Scenario -Environment @{ MGBRIDGE_TRANSPORT = $null }
        $line = ($result.Stdout -split "`n" | Where-Object { $_ -like 'FOUND *' } | Select-Object -Last 1)
        $line | Should -Not -BeNullOrEmpty -Because $result.Stderr
        $found = $line.Substring(6) | ConvertFrom-Json
        if (Test-Path $script:Manifest) {
            $found.subprocess | Should -BeTrue
            $found.subprocessHello | Should -BeTrue
            # Once the module routes 'pythonnet' here, this is $true; until then it says so.
            $found.modulePythonNet | Should -BeIn @($true, 'not wired: MgBridgeTransportUnavailable')
        }
        $found.pythonnetHello | Should -BeTrue
        $found.pythonnetEnvironments | Should -BeTrue
        @($found.msal) | Should -Be @('4.55.0.0')
        @($found.azureCore) | Should -Be @('1.33.0.0')
        $found.identityModel | Should -Be 0
        @($found.pythonRuntime) | Should -Be @('MgBridge.PythonNet')
        $result.ExitCode | Should -Be 0
    }
}

Describe 'Another Python.Runtime in the session' {
    It 'one loaded (not started) in the default context does not clash with ours' {
        $result = Invoke-TestPwsh -Script @"
`$foreign = [System.Reflection.Assembly]::LoadFrom('$($script:NuGetRuntime)')
`$ok = ((Invoke-BridgePythonNet -Json '{"v":1,"id":1,"op":"hello"}') | ConvertFrom-Json).ok
`$contexts = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Python.Runtime' } | ForEach-Object { [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name }) -join ','
"RESULT `$ok `$contexts"
"@
        $result.Stdout | Should -Match 'RESULT True (Default,MgBridge\.PythonNet|MgBridge\.PythonNet,Default)'
    }

    It 'one that already started Python is refused with a clear error, and the transport reports unavailable' {
        $result = Invoke-TestPwsh -Script @"
`$foreign = [System.Reflection.Assembly]::LoadFrom('$($script:NuGetRuntime)')
`$foreign.GetType('Python.Runtime.Runtime')::PythonDLL = '/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0'
`$engine = `$foreign.GetType('Python.Runtime.PythonEngine')
`$engine::Initialize()
`$null = `$engine::BeginAllowThreads()
try { Invoke-BridgePythonNet -Json '{"v":1,"id":1,"op":"hello"}' -ErrorAction Stop; 'NO ERROR' } catch { "ERRORID `$(`$_.FullyQualifiedErrorId)"; "MESSAGE `$(`$_.Exception.Message)" }
"TEST `$(Test-BridgePythonNet -Quick)"
"@
        $result.Stdout | Should -Match 'ERRORID MgBridgePythonNetUnavailable'
        $result.Stdout | Should -Match 'MESSAGE .*another Python.Runtime \(3\.2\.1\.0 from .*\) has already started Python'
        $result.Stdout | Should -Match 'TEST False'
        $result.Stdout | Should -Not -Match 'NO ERROR'
    }
}
