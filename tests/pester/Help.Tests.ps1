# Help: synopsis, description, examples, every parameter described; and every example
# (cmdlet help and docs/guide.md) runs against the emulator.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Connect-TestGraph
    $script:Info = Get-TestEmulator
    $script:Help = Get-Help New-MgApplicationSynchronizationJob -Full
}

Describe 'Get-Help New-MgApplicationSynchronizationJob -Full' {
    It 'has the synopsis and description of the contract' {
        $Help.Synopsis | Should -Be 'Create new navigation property to jobs for applications'
        ($Help.description.Text -join "`n") | Should -Match 'Create new navigation property to jobs for applications'
    }
    It 'has real examples (no placeholders)' {
        @($Help.examples.example).Count | Should -BeGreaterOrEqual 5
        ($Help.examples | Out-String) | Should -Not -Match '\{\{'
    }
    It 'describes every parameter' {
        foreach ($name in (Get-Command New-MgApplicationSynchronizationJob).Parameters.Keys) {
            if ($name -in [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters) { continue }
            $parameter = $Help.parameters.parameter | Where-Object name -eq $name
            ($parameter.description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$name needs a description"
        }
    }
    It 'shows the NOTES (complex parameter properties), inputs and outputs' {
        $text = $Help | Out-String -Width 200
        $text | Should -Match 'BODYPARAMETER <IMicrosoftGraphSynchronizationJob>'
        $text | Should -Match 'Microsoft.Graph.PowerShell.Models.IIdentityApplicationIdentity'
    }
    It 'has help for every exported command' {
        foreach ($command in (Get-Module MgBridge).ExportedFunctions.Keys) {
            (Get-Help $command).Synopsis | Should -Not -BeLike "*$command*[<CommonParameters>]*" -Because "$command needs a synopsis"
        }
    }
}

Describe 'Examples run' {
    BeforeDiscovery {
        $examples = Get-Content -Raw (Join-Path $PSScriptRoot '../../psmodule/custom/examples.md')
        $script:Cases = [regex]::Matches($examples, '(?ms)^### (.+?)\n+```powershell\n(.*?)\n```') |
            ForEach-Object { @{ Title = $_.Groups[1].Value; Code = $_.Groups[2].Value } }
        $guide = Get-Content -Raw (Join-Path $PSScriptRoot '../../docs/guide.md')
        $script:GuideCases = [regex]::Matches($guide, '(?ms)```powershell\n(.*?)\n```') |
            Where-Object { $_.Groups[1].Value -notmatch '# not run' } |
            ForEach-Object { @{ Code = $_.Groups[1].Value; N = $_.Index } }
    }
    It 'example "<Title>" runs without errors' -ForEach $Cases {
        $applicationId = $Info.application_id
        $block = [scriptblock]::Create($Code)
        $null = & $block -ErrorAction Stop 6>&1
    }
    It 'docs/guide.md example at offset <N> runs without errors' -ForEach $GuideCases {
        # The guide's variables, as a reader would have them.
        $emulator = $Info
        $applicationId = $Info.application_id
        $block = [scriptblock]::Create($Code)
        $null = & $block 6>&1
        if (-not (Get-MgContext)) { Connect-TestGraph }
    }
}
