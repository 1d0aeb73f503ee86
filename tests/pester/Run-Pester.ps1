<#
.SYNOPSIS
    Run the MgBridge Pester suite with one transport; exit non-zero on failure.
.DESCRIPTION
    Imports Pester 5.7.1 from $env:MGBRIDGE_PESTER (a Pester.psd1 path) or
    ~/.nuget/packages/pester/5.7.1/tools, starts one emulator for the whole run,
    selects the transport for the module under test ($env:MGBRIDGE_TRANSPORT, which
    MgBridge reads), runs the *.Tests.ps1 files under tests/pester/ (subfolders too) and
    prints a last line 'N passed, N failed, N skipped'.

    Every file runs on both transports except two that are not per-transport and run
    only in the pythonnet pass (so a run of both passes runs them once):
    pythonnet/*.Tests.ps1 (the in-process engine itself: loader, GIL and threads,
    isolation; they drive psmodule/pythonnet/ directly or in child pwsh processes) and
    Parity.Tests.ps1 (runs both transports itself and compares them). Tests that only
    make sense on one transport skip themselves on the other (Transport.Tests.ps1).
.PARAMETER Transport
    subprocess (default) or pythonnet.
.PARAMETER Path
    Test files or folders to run (default: this folder, recursively).
.PARAMETER Order
    'reverse' runs the files in reverse order (default $env:MGBRIDGE_TEST_ORDER, else
    the usual order): no file may depend on another having run before it.
.EXAMPLE
    pwsh -NoProfile -File tests/pester/Run-Pester.ps1 -Transport subprocess
#>
[CmdletBinding()]
param(
    [ValidateSet('subprocess', 'pythonnet')][string]$Transport = 'subprocess',
    [string[]]$Path = @($PSScriptRoot),
    [ValidateSet('', 'normal', 'reverse')][string]$Order = [string]$env:MGBRIDGE_TEST_ORDER
)
$ErrorActionPreference = 'Stop'
# pwsh -File passes "a,b" as one string: accept comma-separated paths too.
$Path = @($Path | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
$pester = if ($env:MGBRIDGE_PESTER) { $env:MGBRIDGE_PESTER } else {
    Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages/pester/5.7.1/tools/Pester.psd1'
}
Import-Module $pester -MinimumVersion 5.7.1 -Force
$env:MGBRIDGE_TRANSPORT = $Transport
Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
$null = Get-TestEmulator
$result = $null
try {
    $config = New-PesterConfiguration
    if ($Order -eq 'reverse') {
        # The files one by one, last first (Pester keeps the order of the paths it is given).
        $Path = @($Path | ForEach-Object {
                if (Test-Path -LiteralPath $_ -PathType Container) {
                    Get-ChildItem -LiteralPath $_ -Recurse -Filter '*.Tests.ps1' | Sort-Object FullName | ForEach-Object FullName
                } else { (Resolve-Path -LiteralPath $_).Path }
            })
        [array]::Reverse($Path)
        "Pester files in reverse order: $(($Path | ForEach-Object { [System.IO.Path]::GetFileName($_) }) -join ', ')"
    }
    $config.Run.Path = $Path
    if ($Transport -ne 'pythonnet') {
        $config.Run.ExcludePath = @((Join-Path $PSScriptRoot 'pythonnet/*'), (Join-Path $PSScriptRoot 'Parity.Tests.ps1'))
    }
    $config.Run.PassThru = $true
    $config.Output.Verbosity = 'Normal'
    $result = Invoke-Pester -Configuration $config
} finally {
    Stop-TestEmulator
    if (Get-Module MgBridge) { Remove-Module MgBridge }
}
if (-not $result) {
    '0 passed, 1 failed, 0 skipped'
    exit 1
}
"$($result.PassedCount) passed, $($result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount) failed, $($result.SkippedCount) skipped"
if ($result.FailedCount -gt 0 -or $result.Result -ne 'Passed') { exit 1 }
exit 0
