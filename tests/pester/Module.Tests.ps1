# The module as a whole: manifest, exports, loading, generated files, file hygiene.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Import-TestModule
    $script:Root = Join-Path (Get-TestRepository) 'psmodule'
    $script:Manifest = Join-Path $Root 'MgBridge.psd1'
    $script:Pwsh = Get-TestPwsh
}

Describe 'Manifest' {
    It 'is valid' {
        $info = Test-ModuleManifest -Path $Manifest -ErrorAction Stop
        $info.Name | Should -Be 'MgBridge'
        $info.PowerShellVersion | Should -Be ([version]'7.4')
    }
}

Describe 'Exported names' {
    BeforeAll {
        # The public surface, pinned: the SDK's command names this module provides, no aliases.
        $script:PinnedFunctions = 'Add-MgEnvironment', 'Connect-MgGraph', 'Disconnect-MgGraph', 'Get-MgContext', 'Get-MgEnvironment',
            'Get-MgRequestContext', 'New-MgApplicationSynchronizationJob', 'Remove-MgEnvironment', 'Select-MgProfile', 'Set-MgRequestContext'
        $script:PinnedAliases = @()
        function Get-Difference([string[]]$Actual, [string[]]$Pinned) {
            # Both ways: names given but not pinned, and pinned names missing.
            [pscustomobject]@{
                NotPinned = @($Actual | Where-Object { $_ -notin $Pinned } | Sort-Object)
                Missing   = @($Pinned | Where-Object { $_ -notin $Actual } | Sort-Object)
            }
        }
    }
    It 'the module exports every pinned command, and no other command' {
        $module = Get-Module MgBridge
        $functions = Get-Difference @($module.ExportedFunctions.Keys) $PinnedFunctions
        $functions.NotPinned | Should -BeNullOrEmpty -Because 'every exported function is pinned'
        $functions.Missing | Should -BeNullOrEmpty -Because 'every pinned function is exported'
        $aliases = Get-Difference @($module.ExportedAliases.Keys) $PinnedAliases
        $aliases.NotPinned | Should -BeNullOrEmpty -Because 'every exported alias is pinned'
        $aliases.Missing | Should -BeNullOrEmpty -Because 'every pinned alias is exported'
        @($module.ExportedCmdlets.Keys) + @($module.ExportedVariables.Keys) | Should -BeNullOrEmpty
    }
    It 'the manifest lists exactly the pinned names (FunctionsToExport, AliasesToExport)' {
        $data = Import-PowerShellDataFile -LiteralPath $Manifest
        $functions = Get-Difference @($data.FunctionsToExport) $PinnedFunctions
        $functions.NotPinned | Should -BeNullOrEmpty -Because 'every name in FunctionsToExport is pinned'
        $functions.Missing | Should -BeNullOrEmpty -Because 'every pinned function is in FunctionsToExport'
        $aliases = Get-Difference @($data.AliasesToExport) $PinnedAliases
        $aliases.NotPinned | Should -BeNullOrEmpty -Because 'every name in AliasesToExport is pinned'
        $aliases.Missing | Should -BeNullOrEmpty -Because 'every pinned alias is in AliasesToExport'
    }
    It 'the sources define as public exactly the manifest''s names: generated/ and Public/ hold only exported commands' {
        # What the .psm1 loads as commands (every function and alias of generated/ and Public/,
        # read from the source) against the manifest's lists, both ways; a private helper
        # belongs in Private/ (or subprocess/, pythonnet/), where the manifest never looks.
        $data = Import-PowerShellDataFile -LiteralPath $Manifest
        $functions = [System.Collections.Generic.List[string]]::new()
        $aliases = [System.Collections.Generic.List[string]]::new()
        foreach ($file in Get-ChildItem -LiteralPath (Join-Path $Root 'generated'), (Join-Path $Root 'Public') -Filter '*.ps1') {
            $ast = [System.Management.Automation.Language.Parser]::ParseFile($file.FullName, [ref]$null, [ref]$null)
            foreach ($function in $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.FunctionDefinitionAst] }, $true)) {
                $functions.Add($function.Name)
                foreach ($attribute in @($function.Body.ParamBlock.Attributes | Where-Object { $_.TypeName.Name -eq 'Alias' })) {
                    foreach ($name in $attribute.PositionalArguments) { $aliases.Add($name.SafeGetValue()) }
                }
            }
            foreach ($command in $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true)) {
                if ($command.GetCommandName() -in 'Set-Alias', 'New-Alias') { $aliases.Add([string]$command.CommandElements[1].SafeGetValue()) }
            }
        }
        $functions.Count | Should -BeGreaterThan 0
        $defined = Get-Difference @($functions) @($data.FunctionsToExport)
        $defined.NotPinned | Should -BeNullOrEmpty -Because 'every function of generated/ and Public/ is in FunctionsToExport'
        $defined.Missing | Should -BeNullOrEmpty -Because 'every name in FunctionsToExport is a function of generated/ or Public/'
        $definedAliases = Get-Difference @($aliases) @($data.AliasesToExport)
        $definedAliases.NotPinned | Should -BeNullOrEmpty -Because 'every alias the commands define is in AliasesToExport'
        $definedAliases.Missing | Should -BeNullOrEmpty -Because 'every name in AliasesToExport is defined by a command'
    }
    It 'exports only advanced functions (CmdletBinding)' {
        foreach ($command in (Get-Module MgBridge).ExportedFunctions.Values) {
            $command.CmdletBinding | Should -BeTrue -Because $command.Name
        }
    }
}

Describe 'Loading' {
    It 'is found on PSModulePath by command auto-loading' {
        $dir = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-modpath-$PID"
        New-Item -ItemType Directory -Force $dir | Out-Null
        $link = Join-Path $dir 'MgBridge'
        if (-not (Test-Path $link)) { New-Item -ItemType SymbolicLink -Path $link -Target $Root | Out-Null }
        $sep = [System.IO.Path]::PathSeparator
        $env:PSModulePath, $saved = "$dir$sep$env:PSModulePath", $env:PSModulePath
        try {
            $out = & $Pwsh -NoProfile -NonInteractive -Command '(Get-Command New-MgApplicationSynchronizationJob).Source; (New-MgApplicationSynchronizationJob -ApplicationId a -TemplateId t -WhatIf 6>&1 | Out-String)'
        } finally { $env:PSModulePath = $saved; Remove-Item -Recurse -Force $dir }
        $out[0] | Should -Be 'MgBridge'
        ($out -join "`n") | Should -Match 'What if: POST https://graph.microsoft.com/v1.0/applications/a/synchronization/jobs'
    }
    It 'compiles its types once: a later import loads them from the cached DLL and writes nothing' {
        # (How fast that import is belongs to bench/, not to a test.) A cache folder of its
        # own: the first import compiles into it, the second must only load. Where the
        # types come from is the proof (a loaded Roslyn is not: pwsh's startup profile may
        # preload it in the session after one that compiled).
        $cache = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-cache-once-$PID"
        $script = "Import-Module '$Manifest'; " +
            '[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetType(''MgBridge.BridgeJson'') } | ForEach-Object { "from:$($_.Location)" }'
        $listing = { @(Get-ChildItem -LiteralPath $cache -File | ForEach-Object { "$($_.Name) $($_.LastWriteTimeUtc.Ticks)" }) }
        $env:MGBRIDGE_CACHE, $saved = $cache, $env:MGBRIDGE_CACHE
        try {
            $null = & $Pwsh -NoProfile -NonInteractive -Command $script
            $before = & $listing
            $second = @(& $Pwsh -NoProfile -NonInteractive -Command $script)
            $after = & $listing
        } finally {
            $env:MGBRIDGE_CACHE = $saved
            Remove-Item -Recurse -Force $cache -ErrorAction SilentlyContinue
        }
        @($before | Where-Object { $_ -like 'MgBridge.Models.*.dll *' }).Count | Should -Be 1
        $second.Count | Should -Be 1
        $second[0] | Should -Match ('^from:' + [regex]::Escape($cache) + '[/\\]MgBridge\.Models\.[^/\\]+\.dll$')
        $after | Should -Be $before
    }
}

Describe 'Generated files' {
    It 'match the spec (scripts/generate --check)' {
        $python = Get-TestPython
        $out = & $python (Join-Path (Get-TestRepository) 'scripts/generate') --check 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
    }
}

Describe 'File hygiene' {
    It 'has no tabs or trailing whitespace in psmodule/' {
        $bad = foreach ($file in Get-ChildItem -Recurse -File $Root -Include *.ps1, *.psm1, *.psd1, *.cs, *.md) {
            $n = 0
            foreach ($line in [System.IO.File]::ReadAllLines($file.FullName)) {
                $n++
                if ($line -match "`t| +$") { "$($file.Name):$n" }
            }
        }
        $bad | Should -BeNullOrEmpty
    }
}
