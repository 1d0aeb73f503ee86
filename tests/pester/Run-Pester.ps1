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

    Each file is discovered and run on its own (one Invoke-Pester per file) and starts
    from the same state: the global variables, environment variables and location the
    run started with, and an emulator reset to its starting configuration with no jobs,
    faults or logged requests. A file therefore sees nothing another file left behind,
    whatever the order. (One Invoke-Pester for all files would discover every file before
    running any, and a test file's `$script:` scope is the session's global scope, so one
    file's discovery-time variables would reach another file's run.) What stays shared is
    what the suite shares on purpose: the emulator process and the loaded MgBridge module
    (its session is process-wide, as users have it; each file connects in its BeforeAll).
.PARAMETER Transport
    subprocess (default) or pythonnet.
.PARAMETER Path
    Test files or folders to run (default: this folder, recursively).
.PARAMETER Order
    'reverse' runs the files in reverse order (default $env:MGBRIDGE_TEST_ORDER, else
    the usual order): no file may depend on another having run before it.
.EXAMPLE
    pwsh -NoProfile -File tests/pester/Run-Pester.ps1 -Transport subprocess
.EXAMPLE
    pwsh -NoProfile -File tests/pester/Run-Pester.ps1 -Transport pythonnet -Order reverse
#>
[CmdletBinding()]
param(
    [ValidateSet('subprocess', 'pythonnet')][string]$Transport = 'subprocess',
    [string[]]$Path = @($PSScriptRoot),
    [ValidateSet('', 'normal', 'reverse')][string]$Order = [string]$env:MGBRIDGE_TEST_ORDER
)
$ErrorActionPreference = 'Stop'

# `pwsh -File` runs this script in the global scope, where test files' `$script:`
# variables land too: the run's own state lives in the script block below, and the
# parameters leave the global scope, so no test can read or overwrite them.
& {
    param([string]$Transport, [string[]]$Path, [string]$Order)
    Remove-Variable -Scope Global -Name Transport, Path, Order -ErrorAction SilentlyContinue

    function Get-TestFileList {
        # The *.Tests.ps1 files under $Path in the order they run: sorted by full path
        # (folders recursively), then reversed for -Order reverse; Parity and pythonnet/
        # only in the pythonnet pass.
        $files = @($Path | ForEach-Object { $_ -split ',' } | Where-Object { $_ } | ForEach-Object {
                if (Test-Path -LiteralPath $_ -PathType Container) {
                    Get-ChildItem -LiteralPath $_ -Recurse -Filter '*.Tests.ps1' | Sort-Object FullName | ForEach-Object FullName
                } else { (Resolve-Path -LiteralPath $_).ProviderPath }
            })
        if ($Transport -ne 'pythonnet') {
            $pythonnetOnly = @((Join-Path $PSScriptRoot 'pythonnet'), (Join-Path $PSScriptRoot 'Parity.Tests.ps1'))
            $files = @($files | Where-Object { $file = $_; -not ($pythonnetOnly | Where-Object { $file -eq $_ -or $file.StartsWith("$_/") }) })
        }
        if ($Order -eq 'reverse') { [array]::Reverse($files) }
        $files
    }

    # Automatic variables PowerShell itself changes as commands run; not test state.
    $automatic = [System.Collections.Generic.HashSet[string]]::new([string[]]@(
            '$', '?', '^', '_', 'args', 'Error', 'input', 'LASTEXITCODE', 'Matches', 'MyInvocation',
            'PSItem', 'StackTrace', 'foreach', 'switch', 'this', 'PWD', 'PSCmdlet', 'PSBoundParameters'),
        [System.StringComparer]::OrdinalIgnoreCase)

    function Save-TestSessionState {
        # What a file could leave behind for the next one: global variables (test
        # files' `$script:` scope), environment variables, the location, the emulator's
        # configuration.
        $globals = @{}
        foreach ($v in Get-Variable -Scope Global) { $globals[$v.Name] = $v.Value }
        @{
            Globals = $globals
            Environment = [Environment]::GetEnvironmentVariables()
            Location = (Get-Location).ProviderPath
            EmulatorConfig = Invoke-EmulatorAdmin 'config'
        }
    }

    function Restore-TestSessionState {
        # Put back what Save-TestSessionState saw: new global variables removed, changed
        # ones reset; environment variables added/changed/removed undone; the location;
        # the emulator reset (jobs, faults, counters, request log) and reconfigured.
        param([hashtable]$Saved)
        foreach ($v in @(Get-Variable -Scope Global)) {
            if ($automatic.Contains($v.Name) -or ($v.Options -band [System.Management.Automation.ScopedItemOptions]'ReadOnly, Constant')) { continue }
            if (-not $Saved.Globals.ContainsKey($v.Name)) {
                Remove-Variable -Scope Global -Name $v.Name -Force -ErrorAction SilentlyContinue
            } elseif (-not [object]::ReferenceEquals($v.Value, $Saved.Globals[$v.Name])) {
                Set-Variable -Scope Global -Name $v.Name -Value $Saved.Globals[$v.Name] -Force -ErrorAction SilentlyContinue
            }
        }
        $now = [Environment]::GetEnvironmentVariables()
        foreach ($name in @($now.Keys)) {
            if (-not $Saved.Environment.Contains($name)) { [Environment]::SetEnvironmentVariable($name, $null) }
        }
        foreach ($name in @($Saved.Environment.Keys)) {
            if ($now[$name] -cne $Saved.Environment[$name]) { [Environment]::SetEnvironmentVariable($name, $Saved.Environment[$name]) }
        }
        Set-Location -LiteralPath $Saved.Location
        $null = Invoke-EmulatorAdmin 'reset' -Method POST
        $null = Invoke-EmulatorAdmin 'config' -Method POST -Body $Saved.EmulatorConfig
    }

    $pester = if ($env:MGBRIDGE_PESTER) { $env:MGBRIDGE_PESTER } else {
        Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages/pester/5.7.1/tools/Pester.psd1'
    }
    Import-Module $pester -MinimumVersion 5.7.1 -Force
    $env:MGBRIDGE_TRANSPORT = $Transport
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $null = Get-TestEmulator
    $counts = @{ Passed = 0; Failed = 0; Skipped = 0 }
    try {
        $files = Get-TestFileList
        if ($Order -eq 'reverse') { "Pester files in reverse order: $(($files | ForEach-Object { [System.IO.Path]::GetFileName($_) }) -join ', ')" }
        $saved = Save-TestSessionState
        foreach ($file in $files) {
            $config = New-PesterConfiguration
            $config.Run.Path = @($file)
            $config.Run.PassThru = $true
            $config.Output.Verbosity = 'Normal'
            $result = $null
            try {
                $result = Invoke-Pester -Configuration $config
            } finally { Restore-TestSessionState $saved }
            if (-not $result) { $counts.Failed++; continue }
            $counts.Passed += $result.PassedCount
            $counts.Skipped += $result.SkippedCount
            $counts.Failed += $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
            if ($result.Result -ne 'Passed' -and $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount -eq 0) { $counts.Failed++ }
        }
    } finally {
        Stop-TestEmulator
        if (Get-Module MgBridge) { Remove-Module MgBridge }
    }
    "$($counts.Passed) passed, $($counts.Failed) failed, $($counts.Skipped) skipped"
    if ($counts.Failed -gt 0) { exit 1 }
    exit 0
} $Transport $Path $Order
