<#
.SYNOPSIS
    Build the release packages into dist/: the PowerShell package MgBridge.<version>.nupkg
    (with PSResourceGet's Publish-PSResource) and the wheel mgbridge-<version>-py3-none-any.whl.
.DESCRIPTION
    Run by 'bash scripts/package'. The module is a release build, the way Pester and
    Microsoft's modules ship, made from whatever files psmodule/ holds:
      - the C# types (psmodule/custom/*.cs, psmodule/generated/*.cs) compiled with the
        .NET SDK into bin/MgBridge.Models.dll (MgBridge.Models.csproj): no Add-Type and
        no compiler on a user's import;
      - the functions of Private/, subprocess/, generated/ and Public/ (one per file in the repository)
        merged into MgBridge.psm1, and those of pythonnet/ into MgBridge.PythonNet.ps1
        (loaded on the first pythonnet call), each file's text after a '# ---- <file>' line;
      - every other file of psmodule/ (format data, help, the pythonnet host) as it is, but
        no *.md; pythonnet's Python.Runtime.dll in bin/, so the in-process transport needs
        nothing more; LICENSE;
      - a complete manifest: the source manifest's keys, ModuleVersion from pyproject.toml
        (stamped by scripts/generate), FileList, and PrivateData.PSData with Tags,
        ProjectUri and LicenseUri (pyproject.toml's [project.urls]) and ReleaseNotes (the
        version's section of CHANGELOG.md).
    The wheel is built by pip from a copy of the Python sources with that module folder
    added as bridge/powershell/MgBridge/ (python -m bridge.powershell install).
.PARAMETER OutputPath
    Where the packages go (default: dist/ of the repository).
.PARAMETER Python
    The interpreter whose pip builds the wheel (default: the repository's .venv).
#>
[CmdletBinding()]
param(
    [string]$OutputPath,
    [string]$Python
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
$source = Join-Path $repo 'psmodule'
if (-not $OutputPath) { $OutputPath = Join-Path $repo 'dist' }
if (-not $Python) { $Python = Join-Path $repo '.venv/bin/python' }
$dist = [System.IO.Directory]::CreateDirectory($OutputPath).FullName
$build = Join-Path $repo 'build/release'
if (Test-Path $build) { Remove-Item -Recurse -Force $build }
$null = New-Item -ItemType Directory -Force $build
$clock = [System.Diagnostics.Stopwatch]::StartNew()

function Invoke-Native {
    # Run a program; stop with its output when it fails.
    param([string]$FilePath, [string[]]$ArgumentList)
    $out = & $FilePath @ArgumentList 2>&1
    if ($LASTEXITCODE -ne 0) { throw "$FilePath $($ArgumentList -join ' ') failed ($LASTEXITCODE):`n$($out -join "`n")" }
}

# The one version, and the project's links, from pyproject.toml.
$meta = & $Python -c @'
import json, tomllib
p = tomllib.load(open("pyproject.toml", "rb"))["project"]
print(json.dumps({"version": p["version"], "urls": p.get("urls", {})}))
'@ | ConvertFrom-Json
$version = $meta.version
$manifestSource = Import-PowerShellDataFile (Join-Path $source 'MgBridge.psd1')
if ($manifestSource.ModuleVersion -ne $version) {
    throw "psmodule/MgBridge.psd1 has ModuleVersion $($manifestSource.ModuleVersion), pyproject.toml ${version}: run scripts/generate"
}

# 1. The C# types, compiled by the .NET SDK.
$csharp = Join-Path $build 'csharp'
$null = New-Item -ItemType Directory $csharp
Copy-Item (Join-Path $PSScriptRoot 'MgBridge.Models.csproj') $csharp
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'
Invoke-Native dotnet @('build', (Join-Path $csharp 'MgBridge.Models.csproj'), '-c', 'Release', '-nologo', '-v', 'q',
    '-o', (Join-Path $csharp 'out'), "-p:MgBridgeModule=$source", "-p:MgBridgeVersion=$version")

# 2. The module folder.
$module = Join-Path $build 'MgBridge'
$bin = Join-Path $module 'bin'
$null = New-Item -ItemType Directory -Force $bin
Copy-Item (Join-Path $csharp 'out/MgBridge.Models.dll') $bin
$nuget = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
$runtime = Join-Path $nuget 'pythonnet/3.2.1/lib/netstandard2.0/Python.Runtime.dll'
if (-not (Test-Path $runtime)) { throw "pythonnet's Python.Runtime.dll is not at ${runtime}: run .ci/bootstrap" }
Copy-Item $runtime $bin
Copy-Item (Join-Path $repo 'LICENSE') $module

function Join-ScriptFile {
    # The *.ps1 of $Folders (ordinal order, as the checkout's loader reads them), each after
    # a '# ---- <file>' line that says where it comes from.
    param([string[]]$Folders)
    $text = [System.Text.StringBuilder]::new()
    foreach ($folder in $Folders) {
        $path = Join-Path $source $folder
        if (-not (Test-Path $path)) { continue }
        $files = [System.IO.Directory]::GetFiles($path, '*.ps1')
        [System.Array]::Sort($files, [System.StringComparer]::Ordinal)
        foreach ($file in $files) {
            [void]$text.Append("# ---- $folder/$([System.IO.Path]::GetFileName($file))`n")
            [void]$text.Append([System.IO.File]::ReadAllText($file).TrimEnd()).Append("`n`n")
        }
    }
    $text.ToString()
}
$merged = @('Private', 'subprocess', 'generated', 'Public', 'pythonnet')
$psm1 = @"
# MgBridge $version, release build (bash scripts/package): the functions of psmodule/Private,
# psmodule/subprocess, psmodule/generated and psmodule/Public merged into this one file, and the C# types
# precompiled into bin/MgBridge.Models.dll, so importing compiles nothing and writes no cache.
# Do not edit: the sources are one function per file in the repository.
param([string]`$Transport)
Set-StrictMode -Version 3.0

`$script:ModuleRoot = `$PSScriptRoot
`$script:BridgeRelease = `$true
# Loading the same path again (Import-Module -Force) returns the loaded assembly.
[void][System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine(`$PSScriptRoot, 'bin', 'MgBridge.Models.dll'))
# The JIT's work of the last import, replayed on another core while this one runs (JitProfile.cs).
[void][MgBridge.JitProfile]::Start()
# Python starts now, in the background, before the functions are read.
[MgBridge.HelperLauncher]::StartAtImport([MgBridge.HelperLauncher]::SharedState(), `$script:ModuleRoot, `$script:BridgeRelease, `$Transport)

$(Join-ScriptFile -Folders 'Private', 'subprocess', 'generated', 'Public')
Initialize-BridgeModule -Transport `$Transport
"@
[System.IO.File]::WriteAllText((Join-Path $module 'MgBridge.psm1'), $psm1)
[System.IO.File]::WriteAllText((Join-Path $module 'MgBridge.PythonNet.ps1'),
    "# MgBridge $version, release build: psmodule/pythonnet's functions, loaded on the first pythonnet call.`n" +
    (Join-ScriptFile -Folders 'pythonnet'))
# Every other file, as it is.
foreach ($file in Get-ChildItem -LiteralPath $source -Recurse -File) {
    $relative = [System.IO.Path]::GetRelativePath($source, $file.FullName)
    $folder = ($relative -split '[\\/]')[0]
    if ($file.Extension -in '.cs', '.md') { continue }
    if ($file.Extension -eq '.ps1' -and $folder -in $merged) { continue }
    if ($relative -in 'MgBridge.psm1', 'MgBridge.psd1') { continue }
    $target = Join-Path $module $relative
    $null = New-Item -ItemType Directory -Force (Split-Path $target -Parent)
    Copy-Item -LiteralPath $file.FullName $target
}

# 3. The manifest: the source's keys, plus FileList and PSData.
$changelog = [System.IO.File]::ReadAllText((Join-Path $repo 'CHANGELOG.md'))
$section = [regex]::Match($changelog, "(?ms)^## \[$([regex]::Escape($version))\][^\n]*\n(.*?)(?=^## |\z)")
if (-not $section.Success) { throw "CHANGELOG.md has no section '## [$version]'" }
$files = @(Get-ChildItem -LiteralPath $module -Recurse -File | ForEach-Object {
        [System.IO.Path]::GetRelativePath($module, $_.FullName) -replace '\\', '/' }) + 'MgBridge.psd1' | Sort-Object -Unique
$parameters = @{}
foreach ($key in $manifestSource.Keys) {
    if ($key -ne 'PrivateData') { $parameters[$key] = $manifestSource[$key] }
}
$psData = $manifestSource.PrivateData.PSData
$parameters.Path = Join-Path $module 'MgBridge.psd1'
$parameters.FileList = $files
$parameters.Tags = @($psData.Tags)
$parameters.ProjectUri = $meta.urls.Homepage
$parameters.LicenseUri = $(if ($meta.urls.PSObject.Properties['License']) { $meta.urls.License } else { $psData.LicenseUri })
$parameters.ReleaseNotes = "MgBridge $version`n`n" + $section.Groups[1].Value.Trim()
New-ModuleManifest @parameters
$null = Test-ModuleManifest -Path $parameters.Path

# 4. The PowerShell package, by PSResourceGet into a local file repository (dist/).
Get-ChildItem -LiteralPath $dist -Filter 'MgBridge.*.nupkg' | Remove-Item
$repository = "MgBridgeBuild$PID"
Register-PSResourceRepository -Name $repository -Uri $dist -Trusted
try {
    Publish-PSResource -Path $module -Repository $repository
} finally {
    Unregister-PSResourceRepository -Name $repository
}

# 5. The wheel, by pip, from a copy of the Python sources with the module added.
$wheelSource = Join-Path $build 'wheel-src'
$null = New-Item -ItemType Directory $wheelSource
foreach ($name in 'pyproject.toml', 'README.md', 'LICENSE', 'CHANGELOG.md') { Copy-Item (Join-Path $repo $name) $wheelSource }
Copy-Item -Recurse (Join-Path $repo 'bridge') $wheelSource
Get-ChildItem -LiteralPath (Join-Path $wheelSource 'bridge') -Recurse -Directory -Filter '__pycache__' | Remove-Item -Recurse -Force
Copy-Item -Recurse $module (Join-Path $wheelSource 'bridge/powershell/MgBridge')
Get-ChildItem -LiteralPath $dist -Filter 'mgbridge-*.whl' | Remove-Item
Invoke-Native $Python @('-m', 'pip', 'wheel', '-q', '--no-build-isolation', '--no-deps', '-w', $dist, $wheelSource)

foreach ($package in Get-ChildItem -LiteralPath $dist -File | Where-Object Name -Match "^(mgbridge-$([regex]::Escape($version))-.*\.whl|MgBridge\.$([regex]::Escape($version))\.nupkg)$") {
    '{0}  {1:N0} bytes' -f $package.FullName, $package.Length
}
'packages built in {0:N1} s' -f $clock.Elapsed.TotalSeconds
