# The exact surface of New-MgApplicationSynchronizationJob, checked against the seed's
# contract facts (tests/golden/seed/) rather than against our own spec.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Import-TestModule
    $script:Command = Get-Command New-MgApplicationSynchronizationJob
    $script:Seed = Join-Path (Get-TestRepository) 'tests/golden/seed'
    $script:SeedParameters = ConvertFrom-TestYaml (Join-Path $Seed 'parameters.yaml')

    function ConvertTo-SyntaxTokens([string]$Text) {
        # Whole tokens, whitespace and wrapping ignored; type names compared
        # case-insensitively (PowerShell 7 prints <string> for the seed's <String>).
        [regex]::Matches($Text, '\[?-\w+(?: <[^>]+>)?\]?|\[<CommonParameters>\]') | ForEach-Object { $_.Value.ToLowerInvariant() }
    }
}

Describe 'Get-Command -Syntax equals the seed''s SYNTAX' {
    BeforeDiscovery {
        $seedText = Get-Content -Raw (Join-Path $PSScriptRoot '../golden/seed/syntax.txt')
        $script:SetCases = foreach ($block in ($seedText -split '(?m)^### ' | Where-Object { $_.Trim() })) {
            $title, $body = $block -split "`n", 2
            @{ Set = ($title -replace '\s*\(Default\)\s*$', '').Trim(); Body = $body }
        }
    }
    It 'prints the <Set> entry as the seed does (ShouldProcess switches in PowerShell''s order)' -ForEach $SetCases {
        $syntax = (Get-Command New-MgApplicationSynchronizationJob).ParameterSets |
            Where-Object Name -eq $Set | ForEach-Object { "New-MgApplicationSynchronizationJob $_" }
        $expected = @(ConvertTo-SyntaxTokens $Body)
        $actual = @(ConvertTo-SyntaxTokens $syntax)
        # PowerShell itself prints [-WhatIf] [-Confirm]; the seed (platyPS) sorts them.
        $expected = @($expected | Where-Object { $_ -notin '[-confirm]', '[-whatif]' })
        $actual = @($actual | Where-Object { $_ -notin '[-confirm]', '[-whatif]' })
        # The SDK's six hidden runtime parameters: Get-Command prints them, platyPS does not.
        $hidden = '[-break]', '[-httppipelineappend <sendasyncstep[]>]', '[-httppipelineprepend <sendasyncstep[]>]',
            '[-proxy <uri>]', '[-proxycredential <pscredential>]', '[-proxyusedefaultcredentials]'
        @($actual | Where-Object { $_ -in $hidden }) | Should -Be $hidden
        $actual = @($actual | Where-Object { $_ -notin $hidden })
        $actual -join ' ' | Should -Be ($expected -join ' ')
        "$syntax" | Should -Match '\[-WhatIf\] \[-Confirm\]'
    }
    It 'has exactly the seed''s four parameter sets, default CreateExpanded' {
        $Command.ParameterSets.Name | Sort-Object | Should -Be @('Create', 'CreateExpanded', 'CreateViaIdentity', 'CreateViaIdentityExpanded')
        $Command.DefaultParameterSet | Should -Be 'CreateExpanded'
    }
}

Describe 'Parameter metadata equals the seed''s PARAMETERS' {
    BeforeDiscovery {
        $yaml = Join-Path $PSScriptRoot '../golden/seed/parameters.yaml'
        $code = 'import json,sys,yaml; print(json.dumps(list(yaml.safe_load(open(sys.argv[1])))))'
        $python = if (Test-Path (Join-Path $PSScriptRoot '../../.venv/bin/python')) { Join-Path $PSScriptRoot '../../.venv/bin/python' } else { '/usr/bin/python3' }
        $script:Names = (& $python -c $code $yaml | ConvertFrom-Json) | ForEach-Object { @{ Name = $_ } }
    }
    It '-<Name>: type, sets, Mandatory, Position, pipeline and aliases' -ForEach $Names {
        $seed = $SeedParameters[$Name]
        $parameter = $Command.Parameters[$Name]
        $parameter | Should -Not -BeNullOrEmpty
        $parameter.ParameterType.FullName | Should -Be $seed['Type']
        $attributes = @($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
        if ($seed['Parameter Sets'] -eq '(All)') {
            $parameter.ParameterSets.Keys | Should -Be @('__AllParameterSets')
        } else {
            @($parameter.ParameterSets.Keys | Sort-Object) | Should -Be @(($seed['Parameter Sets'] -split ',\s*') | Sort-Object)
        }
        foreach ($attribute in $attributes) {
            $attribute.Mandatory | Should -Be ([bool]$seed['Required'])
            $attribute.Position | Should -Be ([int]::MinValue) -Because 'every parameter is Named'
            $attribute.ValueFromPipeline | Should -Be ($seed['Accept pipeline input'] -eq 'True (ByValue)')
            $attribute.ValueFromPipelineByPropertyName | Should -BeFalse
        }
        $aliases = if ($seed['Aliases']) { @($seed['Aliases'] -split ',\s*') } else { @() }
        @($parameter.Aliases) | Should -Be $aliases
    }
}

Describe 'The SDK''s hidden runtime parameters' {
    BeforeDiscovery {
        $script:RuntimeCases = @(
            @{ Name = 'Break'; Type = 'System.Management.Automation.SwitchParameter' }
            @{ Name = 'HttpPipelineAppend'; Type = 'Microsoft.Graph.PowerShell.Runtime.SendAsyncStep[]' }
            @{ Name = 'HttpPipelinePrepend'; Type = 'Microsoft.Graph.PowerShell.Runtime.SendAsyncStep[]' }
            @{ Name = 'Proxy'; Type = 'System.Uri' }
            @{ Name = 'ProxyCredential'; Type = 'System.Management.Automation.PSCredential' }
            @{ Name = 'ProxyUseDefaultCredentials'; Type = 'System.Management.Automation.SwitchParameter' }
        )
    }
    It '-<Name> is <Type>, optional and DontShow in every parameter set' -ForEach $RuntimeCases {
        $parameter = $Command.Parameters[$Name]
        $parameter.ParameterType.FullName | Should -Be $Type
        $parameter.ParameterSets.Keys | Should -Be @('__AllParameterSets')
        $attribute = @($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
        $attribute.Count | Should -Be 1
        $attribute[0].DontShow | Should -BeTrue
        $attribute[0].Mandatory | Should -BeFalse
        foreach ($set in $Command.ParameterSets) { $set.Parameters.Name | Should -Contain $Name }
    }
    It 'SendAsyncStep is the SDK''s delegate: a script block converts to it' {
        $type = [Microsoft.Graph.PowerShell.Runtime.SendAsyncStep]
        $type.BaseType | Should -Be ([System.MulticastDelegate])
        $invoke = $type.GetMethod('Invoke')
        $invoke.ReturnType | Should -Be ([System.Threading.Tasks.Task[System.Net.Http.HttpResponseMessage]])
        @($invoke.GetParameters().ParameterType.Name) | Should -Be @('HttpRequestMessage', 'IEventListener', 'ISendAsync')
        $step = [Microsoft.Graph.PowerShell.Runtime.SendAsyncStep[]]@({ param($request, $callback, $next) $next.SendAsync($request, $callback) })
        $step.Count | Should -Be 1
    }
    It 'tab completion does not offer them (DontShow), as in the SDK' {
        $names = (TabExpansion2 -inputScript 'New-MgApplicationSynchronizationJob -Prox' -cursorColumn 41).CompletionMatches.CompletionText
        $names | Should -BeNullOrEmpty
    }
}

Describe 'Command attributes' {
    It 'supports ShouldProcess (-WhatIf/-Confirm)' {
        $Command.Parameters.Keys | Should -Contain 'WhatIf'
        $Command.Parameters.Keys | Should -Contain 'Confirm'
        $Command.ScriptBlock.Attributes.Where({ $_ -is [System.Management.Automation.CmdletBindingAttribute] })[0].SupportsShouldProcess | Should -BeTrue
    }
    It 'declares the SDK''s OutputType' {
        $Command.OutputType.Name | Should -Be 'Microsoft.Graph.PowerShell.Models.IMicrosoftGraphSynchronizationJob'
    }
    It 'has generated interface types for every NOTES model, each with a type converter' {
        $notes = Get-Content -Raw (Join-Path $Seed 'notes.txt')
        $names = [regex]::Matches($notes, '<(I(?:MicrosoftGraph|Identity)\w+)') | ForEach-Object { $_.Groups[1].Value } | Sort-Object -Unique
        $names.Count | Should -BeGreaterThan 15
        foreach ($name in $names) {
            $type = "Microsoft.Graph.PowerShell.Models.$name" -as [type]
            $type | Should -Not -BeNullOrEmpty -Because "$name is in NOTES"
            $type.IsInterface | Should -BeTrue
            $type.GetCustomAttributes([System.ComponentModel.TypeConverterAttribute], $false) | Should -Not -BeNullOrEmpty
        }
    }
}
