# New-MgApplicationSynchronizationJob end to end against the emulator: every parameter
# set, the NOTES hashtable shapes, pipeline input, -WhatIf/-Debug/-Verbose, errors.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Connect-TestGraph
    $script:Info = Get-TestEmulator
    $script:AppId = $Info.application_id
    function Get-Body { Get-LastJobBody }
}

Describe 'Every parameter set' {
    It 'CreateExpanded sends the expanded properties as Graph''s nested JSON' {
        $job = New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'scim' `
            -ScheduleInterval (New-TimeSpan -Minutes 40) -ScheduleState 'active' `
            -ScheduleExpiration ([datetime]::new(2030, 1, 2, 3, 4, 5, [DateTimeKind]::Utc)) `
            -SynchronizationJobSettings @{ Name = 'a'; Value = 'b' } -SchemaVersion '1.0'
        Get-Body | Should -Be '{"schedule":{"expiration":"2030-01-02T03:04:05Z","interval":"PT40M","state":"Active"},"schema":{"version":"1.0"},"synchronizationJobSettings":[{"name":"a","value":"b"}],"templateId":"scim"}'
        $job.TemplateId | Should -Be 'scim'
        $job.Id | Should -Match '^scim\.'
    }
    It 'Create sends the body hashtable' {
        $null = New-MgApplicationSynchronizationJob -ApplicationId $AppId -BodyParameter @{ templateId = 'scim'; schedule = @{ interval = 'PT1H' } }
        Get-Body | Should -Be '{"schedule":{"interval":"PT1H"},"templateId":"scim"}'
    }
    It 'CreateViaIdentity takes the application id from the identity object' {
        $null = New-MgApplicationSynchronizationJob -InputObject @{ ApplicationId = $AppId } -BodyParameter @{ TemplateId = 'viaid' }
        Get-Body | Should -Be '{"templateId":"viaid"}'
        (Get-EmulatorRequests -Route 'jobs.create' | Select-Object -Last 1).path | Should -Match "/v1.0/applications/$AppId/synchronization/jobs"
    }
    It 'CreateViaIdentityExpanded' {
        $null = New-MgApplicationSynchronizationJob -InputObject @{ applicationid = $AppId } -TemplateId 'viaidx' -ScheduleState Paused
        Get-Body | Should -Be '{"schedule":{"state":"Paused"},"templateId":"viaidx"}'
    }
}

Describe 'NOTES hashtable shapes in mixed key case' {
    It 'binds BODYPARAMETER with nested arrays, flattened names and odd casing' {
        $body = @{
            TEMPLATEID = 'scim'
            scheduleinterval = [timespan]::FromHours(2)
            SchemaDirectories = @(@{ NAME = 'AAD'; objects = @(@{ Name = 'User'; ATTRIBUTES = @(@{ name = 'mail'; Anchor = $false; type = 'string' }) }) })
            schemasynchronizationrules = @(@{ Name = 'r'; ObjectMappings = @(@{ sourceObjectName = 'User'; ScopeGroups = @(@{ Clauses = @(@{ OperatorName = 'EQUALS'; TargetOperandValues = @('x') }) }) }) })
            status = @{ CODE = 'notrun'; LastExecutionErrorCode = 'E1'; QuarantineSeriesCount = 3 }
            SynchronizationJobSettings = @([ordered]@{ name = 'n'; VALUE = 'v' })
        }
        $null = New-MgApplicationSynchronizationJob -ApplicationId $AppId -BodyParameter $body
        $sent = Get-Body | ConvertFrom-Json -AsHashtable
        $sent.templateId | Should -Be 'scim'
        $sent.schedule.interval | Should -Be 'PT2H'
        $sent.schema.directories[0].objects[0].attributes[0].type | Should -Be 'String'
        $sent.schema.directories[0].objects[0].attributes[0].anchor | Should -BeFalse
        $sent.schema.synchronizationRules[0].objectMappings[0].scope.groups[0].clauses[0].targetOperand.values | Should -Be @('x')
        $sent.status.code | Should -Be 'NotRun'
        $sent.status.lastExecution.error.code | Should -Be 'E1'
        $sent.status.quarantine.seriesCount | Should -Be 3
        $sent.synchronizationJobSettings[0].value | Should -Be 'v'
    }
    It 'binds -SchemaDirectories, -SchemaSynchronizationRules and -Status hashtables' {
        $null = New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'scim' `
            -SchemaDirectories @{ Name = 'AAD'; Discoverabilities = 'attributenames, referenceattributes' } `
            -SchemaSynchronizationRules @{ PRIORITY = 1; editable = $true } -Status @{ code = 'Paused' }
        Get-Body | Should -Be '{"schema":{"directories":[{"discoverabilities":"AttributeNames,ReferenceAttributes","name":"AAD"}],"synchronizationRules":[{"editable":true,"priority":1}]},"status":{"code":"Paused"},"templateId":"scim"}'
    }
    It 'accepts PSCustomObject, ConvertFrom-Json and ConvertFrom-Json -AsHashtable output' {
        $null = New-MgApplicationSynchronizationJob -ApplicationId $AppId -BodyParameter ([pscustomobject]@{ templateId = 'pso' })
        Get-Body | Should -Be '{"templateId":"pso"}'
        $null = New-MgApplicationSynchronizationJob -ApplicationId $AppId -BodyParameter ('{"templateId":"cfj","schedule":{"state":"Active"}}' | ConvertFrom-Json)
        Get-Body | Should -Be '{"schedule":{"state":"Active"},"templateId":"cfj"}'
        $null = New-MgApplicationSynchronizationJob -ApplicationId $AppId -BodyParameter ('{"TemplateId":"ht","synchronizationJobSettings":[]}' | ConvertFrom-Json -AsHashtable)
        Get-Body | Should -Be '{"synchronizationJobSettings":[],"templateId":"ht"}'
    }
    It 'accepts a JSON string and ConvertTo-Json output as the body' {
        $json = @{ templateId = 'json'; schedule = @{ interval = 'PT5M' } } | ConvertTo-Json
        $null = New-MgApplicationSynchronizationJob -ApplicationId $AppId -BodyParameter $json
        Get-Body | Should -Be '{"schedule":{"interval":"PT5M"},"templateId":"json"}'
    }
    It 'sends explicit $null, empty arrays and $false' {
        $null = New-MgApplicationSynchronizationJob -ApplicationId $AppId -BodyParameter @{ templateId = 'n'; SchemaVersion = $null; SynchronizationJobSettings = @(); Status = @{ EscrowsPruned = $false } }
        Get-Body | Should -Be '{"schema":{"version":null},"status":{"escrowsPruned":false},"synchronizationJobSettings":[],"templateId":"n"}'
    }
    It 'keeps the exact casing of unknown nested keys (and warns)' {
        $null = Invoke-EmulatorAdmin 'config' -Method POST -Body @{ strict_properties = $false }
        try {
            $null = New-MgApplicationSynchronizationJob -ApplicationId $AppId -BodyParameter @{ templateId = 'u'; Status = @{ MyCustomKey = @{ InnerKEY = 1 } } } -WarningVariable w -WarningAction SilentlyContinue
        } finally { $null = Invoke-EmulatorAdmin 'config' -Method POST -Body @{ strict_properties = $true } }
        Get-Body | Should -Be '{"status":{"MyCustomKey":{"InnerKEY":1}},"templateId":"u"}'
        "$w" | Should -Match "'MyCustomKey' is not a property"
    }
    It 'keeps TimeSpan ticks and DateTime kinds losslessly' {
        $local = [datetime]::new(2030, 6, 1, 12, 0, 0, [DateTimeKind]::Local)
        $null = New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 't' -ScheduleInterval ([timespan]::new(1, 2, 3, 4, 5)) -ScheduleExpiration $local
        $sent = Get-Body | ConvertFrom-Json -AsHashtable -DateKind String
        $sent.schedule.interval | Should -Be 'P1DT2H3M4.005S'
        $sent.schedule.expiration | Should -Be ($local.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss'Z'"))
    }
}

Describe 'Pipeline input' {
    It 'sends 100 bodies down one pipeline' {
        $before = (Get-EmulatorCounters).jobs_created
        $jobs = 1..100 | ForEach-Object { @{ templateId = "p$_" } } | New-MgApplicationSynchronizationJob -ApplicationId $AppId
        $jobs.Count | Should -Be 100
        ($jobs | Select-Object -ExpandProperty TemplateId -Last 1) | Should -Be 'p100'
        (Get-EmulatorCounters).jobs_created - $before | Should -Be 100
    }
    It 'binds piped identities with -BodyParameter' {
        $jobs = @(@{ ApplicationId = $AppId }, [pscustomobject]@{ ApplicationId = $AppId }) | New-MgApplicationSynchronizationJob -BodyParameter @{ templateId = 'pipeid' }
        $jobs.Count | Should -Be 2
    }
}

Describe 'Output' {
    It 'has the SDK''s type names, properties and typed values' {
        $job = New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'out' -ScheduleInterval '00:40:00'
        $job.PSTypeNames | Should -Contain 'Microsoft.Graph.PowerShell.Models.MicrosoftGraphSynchronizationJob'
        $job.PSTypeNames | Should -Contain 'Microsoft.Graph.PowerShell.Models.IMicrosoftGraphSynchronizationJob'
        # The SDK's (1.x, flattened) properties: the NOTES names of IMicrosoftGraphSynchronizationJob.
        foreach ($name in 'Id', 'ScheduleExpiration', 'ScheduleInterval', 'ScheduleState', 'SchemaDirectories', 'SchemaId',
                          'SchemaProvisioningTaskIdentifier', 'SchemaSynchronizationRules', 'SchemaVersion', 'Status',
                          'SynchronizationJobSettings', 'TemplateId', 'AdditionalProperties') {
            $job.PSObject.Properties.Name | Should -Contain $name
        }
        $job.ScheduleInterval | Should -BeOfType [timespan]
        $job.ScheduleInterval.TotalMinutes | Should -Be 40
        $job.Status.Code | Should -Be 'NotConfigured'
        # The default table view (format data) shows Id and TemplateId.
        $table = ($job | Out-String -Width 400) -split "`n" | Where-Object { $_.Trim() } | Select-Object -First 1
        ($table -split '\s+' | Where-Object { $_ }) | Should -Be @('Id', 'TemplateId')
    }
    It 'is the same object whether or not the call asks for more than the job (-Verbose, -Confirm:$false, $VerbosePreference)' {
        # A plain create takes the shim's one-call path; these take its PowerShell path.
        $before = @(Get-EmulatorRequests -Route 'jobs.create').Count
        $plain = New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'same' -ScheduleState Paused
        $verbose = New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'same' -ScheduleState Paused -Verbose 4>$null
        $confirmed = New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'same' -ScheduleState Paused -Confirm:$false
        $preferred = & { $VerbosePreference = 'Continue'; New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'same' -ScheduleState Paused 4>$null }
        @(Get-EmulatorRequests -Route 'jobs.create').Count - $before | Should -Be 4
        foreach ($job in $verbose, $confirmed, $preferred) {
            $job.GetType() | Should -Be $plain.GetType()
            $job.PSTypeNames | Should -Be $plain.PSTypeNames
            $job.PSObject.Properties.Name | Should -Be $plain.PSObject.Properties.Name
            $job.ToJsonString() -replace '"id":\s*"[^"]*"' | Should -Be ($plain.ToJsonString() -replace '"id":\s*"[^"]*"')
            ($job | Out-String -Width 400) -replace 'same\.\S+' | Should -Be (($plain | Out-String -Width 400) -replace 'same\.\S+')
        }
    }
}

Describe '-WhatIf, -Confirm, -Debug, -Verbose' {
    It '-WhatIf sends nothing' {
        $before = Get-EmulatorCounters
        $out = New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'wi' -WhatIf
        $out | Should -BeNullOrEmpty
        $after = Get-EmulatorCounters
        $after.total | Should -Be $before.total
    }
    It '-WhatIf prints the URL and the exact JSON body' {
        $pwsh = Get-TestPwsh
        $manifest = Join-Path (Get-TestRepository) 'psmodule/MgBridge.psd1'
        $out = & $pwsh -NoProfile -NonInteractive -Command "Import-Module '$manifest'; New-MgApplicationSynchronizationJob -ApplicationId 'a b' -TemplateId scim -ScheduleInterval 00:40:00 -WhatIf"
        ($out -join "`n") | Should -BeLike "*What if: POST https://graph.microsoft.com/v1.0/applications/a%20b/synchronization/jobs*"
        ($out -join "`n") | Should -BeLike '*{"schedule":{"interval":"PT40M"},"templateId":"scim"}*'
    }
    It '-Confirm:$false with ConfirmPreference Low still sends' {
        $ConfirmPreference = 'Low'
        $job = New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'cf' -Confirm:$false
        $job.TemplateId | Should -Be 'cf'
    }
    It '-Debug shows the HTTP exchange in the SDK layout, redacted' {
        $lines = New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'dbg' -Debug 5>&1 | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }
        $text = $lines.Message -join "`n"
        $text | Should -Match '=+ HTTP REQUEST =+'
        $text | Should -Match '=+ HTTP RESPONSE =+'
        $text | Should -Match 'Authorization\s+: Bearer <redacted>'
        $text | Should -Not -Match 'eyJ[A-Za-z0-9_-]{10,}\.'
    }
    It '-Verbose says which transport and endpoint were used' {
        $v = New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'vb' -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($v.Message -join "`n") | Should -Match "transport $($env:MGBRIDGE_TRANSPORT ?? 'subprocess').*POST https://127\.0\.0\.1:\d+/v1\.0/applications/$AppId/synchronization/jobs"
    }
}

Describe 'Errors' {
    It '404: a non-terminating ErrorRecord with the SDK''s id, code and request-id' {
        $out = New-MgApplicationSynchronizationJob -ApplicationId 'no-such-app' -TemplateId 'x' -ErrorVariable ev -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -Be 'Request_ResourceNotFound,Microsoft.Graph.PowerShell.Cmdlets.NewMgApplicationSynchronizationJob_CreateExpanded'
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $ev[0].Exception.Message | Should -BeLike '`[Request_ResourceNotFound`] : *'
        $ev[0].Exception.RequestId | Should -Not -BeNullOrEmpty
        $ev[0].Exception.Status | Should -Be 404
    }
    It '400 from Graph (unknown property in strict mode), in the Create set' {
        New-MgApplicationSynchronizationJob -ApplicationId $AppId -BodyParameter @{ templateId = 'x'; bogusProperty = 1 } -ErrorVariable ev -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -BeLike '*,Microsoft.Graph.PowerShell.Cmdlets.NewMgApplicationSynchronizationJob_Create'
        $ev[0].Exception.Status | Should -Be 400
    }
    It '403 for a read-only client' {
        Connect-TestGraph -ReadOnly
        try {
            New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'ro' -ErrorVariable ev -ErrorAction SilentlyContinue
        } finally { Connect-TestGraph }
        $ev[0].Exception.Status | Should -Be 403
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
    }
    It 'a fault status from the emulator keeps the pipeline going (non-terminating)' {
        Set-EmulatorFaults @(@{ route = 'jobs.create'; kind = 'status'; status = 400; count = 1 })
        try {
            $jobs = @(@{ templateId = 'f1' }, @{ templateId = 'f2' }) | New-MgApplicationSynchronizationJob -ApplicationId $AppId -ErrorVariable ev -ErrorAction SilentlyContinue
        } finally { Clear-EmulatorFaults }
        $ev.Count | Should -Be 1
        @($jobs).Count | Should -Be 1
    }
    It 'bad input names the parameter and key path (InvalidArgument, stable id), nothing sent' {
        $before = (Get-EmulatorCounters).total
        New-MgApplicationSynchronizationJob -ApplicationId $AppId -SchemaDirectories @{ Objects = @(@{ Attributes = @(@{ Anchor = 'yes' }) }) } -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -Be 'BindingError,Microsoft.Graph.PowerShell.Cmdlets.NewMgApplicationSynchronizationJob_CreateExpanded'
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].Exception.Parameter | Should -Be 'SchemaDirectories'
        $ev[0].TargetObject | Should -Be 'SchemaDirectories[0].Objects[0].Attributes[0].Anchor'
        (Get-EmulatorCounters).total | Should -Be $before
    }
    It 'a value that fails to convert is an error, not dropped' {
        New-MgApplicationSynchronizationJob -ApplicationId $AppId -BodyParameter @{ templateId = 't'; SchemaVersion = (Get-Item $PSScriptRoot) } -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'BindingError,*'
        $ev[0].Exception.Message | Should -Match 'SchemaVersion'
        { New-MgApplicationSynchronizationJob -ApplicationId $AppId -Status 42 -ErrorAction Stop } | Should -Throw
    }
    It '-ErrorAction Stop makes it terminating' {
        { New-MgApplicationSynchronizationJob -ApplicationId 'no-such-app' -TemplateId 'x' -ErrorAction Stop } | Should -Throw -ErrorId 'Request_ResourceNotFound,Microsoft.Graph.PowerShell.Cmdlets.NewMgApplicationSynchronizationJob_CreateExpanded'
    }
}

Describe 'Session settings' {
    It 'Select-MgProfile beta sends to /beta' {
        Select-MgProfile -Name beta
        try { $null = New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'beta' }
        finally { Select-MgProfile -Name v1.0 }
        (Get-EmulatorRequests -Route 'jobs.create' | Select-Object -Last 1).path | Should -Match '^/beta/applications/'
    }
    It 'Set-MgRequestContext/Get-MgRequestContext round-trip and MaxRetry is honoured' {
        $saved = Get-MgRequestContext
        $ctx = Set-MgRequestContext -MaxRetry 0 -RetryDelay 0
        $ctx.MaxRetry | Should -Be 0
        (Get-MgRequestContext).RetryDelay | Should -Be 0
        Set-EmulatorFaults @(@{ route = 'jobs.create'; kind = 'status'; status = 503; count = 1 })
        try {
            $before = (Get-EmulatorCounters).routes.'jobs.create'
            New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'rc' -ErrorVariable ev -ErrorAction SilentlyContinue
            ((Get-EmulatorCounters).routes.'jobs.create' - $before) | Should -Be 1
            $ev.Count | Should -Be 1
        } finally {
            Clear-EmulatorFaults
            $null = Set-MgRequestContext -MaxRetry $saved.MaxRetry -RetryDelay $saved.RetryDelay
        }
    }
    It 'Get-MgContext and Get-MgEnvironment show the connection' {
        $ctx = Get-MgContext
        $ctx.Environment | Should -Be 'Emu'
        $ctx.AuthType | Should -Be 'AppOnly'
        (Get-MgEnvironment -Name Emu).GraphEndpoint | Should -Be $Info.graph_url.TrimEnd('/')
    }
    It 'Get-MgContext, Get-MgEnvironment and Add-MgEnvironment output the SDK type names' {
        (Get-MgContext).PSTypeNames[0] | Should -Be 'Microsoft.Graph.PowerShell.Authentication.AuthContext'
        @(Get-MgEnvironment) | ForEach-Object { $_.PSTypeNames[0] } | Select-Object -Unique |
            Should -Be 'Microsoft.Graph.PowerShell.Authentication.Models.GraphEnvironment'
        $name = "Typed$PID"
        $added = Add-MgEnvironment -Name $name -AzureADEndpoint $Info.login_url -GraphEndpoint $Info.graph_url -CaFile $Info.ca_file
        try {
            $added.PSTypeNames[0] | Should -Be 'Microsoft.Graph.PowerShell.Authentication.Models.GraphEnvironment'
        } finally {
            (Remove-MgEnvironment -Name $name).PSTypeNames[0] | Should -Be 'Microsoft.Graph.PowerShell.Authentication.Models.GraphEnvironment'
        }
    }
}
