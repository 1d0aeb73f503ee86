function Find-BridgePythonNetRuntime {
    <#
    .SYNOPSIS
        Where Python.Runtime.dll (pythonnet's managed side) is, in the order tried.
    .DESCRIPTION
        1. $env:MGBRIDGE_PYTHONNET_DLL: an explicit path always wins (as $env:MGBRIDGE_PYTHON
           does for the interpreter).
        2. The pythonnet wheel of the configured interpreter:
           <site-packages>/pythonnet/runtime/Python.Runtime.dll (the probe looks on that
           interpreter's sys.path), so a 'pip install pythonnet' is used as installed.
        3. The one the release build ships (bin/Python.Runtime.dll of the module), so an
           installed module embeds Python with nothing more to install.
        4. The NuGet package pythonnet 3.2.1 (then the newest 3.x present) under
           $env:NUGET_PACKAGES or ~/.nuget/packages, lib/netstandard2.0/.
        Returns the first that exists, with where it came from; nothing when none does.
    .PARAMETER Probe
        The configured interpreter's probe (Get-BridgePythonNetProbe), for the wheel.
    .OUTPUTS
        PSCustomObject: Path, Source.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param([pscustomobject]$Probe)
    if ($env:MGBRIDGE_PYTHONNET_DLL) {
        if ([System.IO.File]::Exists($env:MGBRIDGE_PYTHONNET_DLL)) {
            return [pscustomobject]@{ Path = $env:MGBRIDGE_PYTHONNET_DLL; Source = '$env:MGBRIDGE_PYTHONNET_DLL' }
        }
        throw "`$env:MGBRIDGE_PYTHONNET_DLL is set to '$env:MGBRIDGE_PYTHONNET_DLL', which does not exist"
    }
    if ($Probe) {
        # Looked up again here (cheap) rather than trusted from a cached probe: a wheel
        # installed since the probe is used at once.
        foreach ($entry in @($Probe.Path)) {
            $candidate = [System.IO.Path]::Combine($entry, 'pythonnet', 'runtime', 'Python.Runtime.dll')
            if ([System.IO.File]::Exists($candidate)) {
                return [pscustomobject]@{ Path = $candidate; Source = 'the pythonnet wheel' }
            }
        }
    }
    $bundled = [System.IO.Path]::Combine((Get-BridgePythonNetModuleRoot), 'bin', 'Python.Runtime.dll')
    if ([System.IO.File]::Exists($bundled)) {
        return [pscustomobject]@{ Path = $bundled; Source = 'the module''s own copy' }
    }
    $nuget = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { [System.IO.Path]::Combine($HOME, '.nuget', 'packages') }
    $package = [System.IO.Path]::Combine($nuget, 'pythonnet')
    if ([System.IO.Directory]::Exists($package)) {
        $versions = [System.IO.Directory]::GetDirectories($package) | ForEach-Object {
            $v = $null
            if ([version]::TryParse([System.IO.Path]::GetFileName($_), [ref]$v) -and $v.Major -eq 3) {
                [pscustomobject]@{ Version = $v; Folder = $_ }
            }
        }
        # 3.2.1 first (what the project pins), then the newest other 3.x.
        $ordered = @($versions | Where-Object { $_.Version -eq [version]'3.2.1' }) +
            @($versions | Where-Object { $_.Version -ne [version]'3.2.1' } | Sort-Object Version -Descending)
        foreach ($item in $ordered) {
            $candidate = [System.IO.Path]::Combine($item.Folder, 'lib', 'netstandard2.0', 'Python.Runtime.dll')
            if ([System.IO.File]::Exists($candidate)) {
                return [pscustomobject]@{ Path = $candidate; Source = "the NuGet package pythonnet $($item.Version)" }
            }
        }
    }
}
