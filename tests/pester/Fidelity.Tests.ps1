# Fidelity with Microsoft's generated cmdlet (issue 9): the hidden runtime parameters at
# work (a real proxy on loopback), the SDK's model classes as output, dates exactly as the
# SDK sends them, the coexistence message, formatting, completion and help.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Connect-TestGraph
    $script:Info = Get-TestEmulator
    $script:AppId = $Info.application_id
    $script:Models = 'Microsoft.Graph.PowerShell.Models'

    function Get-StoredJob([string]$JobId) {
        # The job as the emulator stores it, read back through Graph's GET (its own token).
        $token = Invoke-RestMethod -Method POST -Uri "$($Info.login_url)/$($Info.tenant_id)/oauth2/v2.0/token" `
            -SkipCertificateCheck -Body @{ grant_type = 'client_credentials'; client_id = $Info.client_id
                client_secret = $Info.client_secret; scope = 'https://graph.microsoft.com/.default' }
        $uri = "$($Info.graph_url)/v1.0/applications/$AppId/synchronization/jobs/$([uri]::EscapeDataString($JobId))"
        $response = Invoke-WebRequest -Uri $uri -Headers @{ Authorization = "Bearer $($token.access_token)" } -SkipCertificateCheck
        $response.Content
    }

    function ConvertTo-CanonicalJson([string]$Json, [string[]]$Drop = @()) {
        # Key order is not part of JSON's meaning: sort keys at every level.
        function Sort-Node($node) {
            if ($node -is [System.Collections.IDictionary]) {
                $sorted = [ordered]@{}
                foreach ($key in @($node.Keys | Sort-Object -CaseSensitive)) {
                    if ($key -notin $Drop) { $sorted[$key] = Sort-Node $node[$key] }
                }
                return $sorted
            }
            if ($node -is [System.Collections.IList]) { return , @($node | ForEach-Object { Sort-Node $_ }) }
            $node
        }
        Sort-Node ($Json | ConvertFrom-Json -AsHashtable -DateKind String) | ConvertTo-Json -Depth 30 -Compress
    }

    function Invoke-ChildPwsh([string]$Script, [hashtable]$Environment = @{}) {
        # A fresh, non-interactive pwsh (its own MgBridge session) with the test helpers.
        $file = Join-Path $TestDrive "child-$([guid]::NewGuid().ToString('n')).ps1"
        $helpers = Join-Path $PSScriptRoot 'TestHelpers.psm1'
        Set-Content -LiteralPath $file -Value "Import-Module '$helpers'`n$Script"
        $psi = [System.Diagnostics.ProcessStartInfo]::new((Get-TestPwsh))
        foreach ($a in '-NoProfile', '-NonInteractive', '-File', $file) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.UseShellExecute = $false
        foreach ($key in $Environment.Keys) { $psi.Environment[$key] = $Environment[$key] }
        $process = [System.Diagnostics.Process]::Start($psi)
        $errTask = $process.StandardError.ReadToEndAsync()
        $out = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit()
        [pscustomobject]@{ Output = $out; Error = $errTask.Result; ExitCode = $process.ExitCode }
    }
}

Describe '-Proxy and -ProxyCredential through a real proxy (tinyproxy on loopback)' {
    BeforeAll {
        $script:ProxyPassword = "pr0xy-$([guid]::NewGuid().ToString('n').Substring(0, 12))"
        $script:Proxy = Start-TestProxy -UserName 'alice' -Password $ProxyPassword
        $script:ProxyCredential = [pscredential]::new('alice', (ConvertTo-SecureString $ProxyPassword -AsPlainText -Force))
        $script:EmulatorAuthority = ([uri]$Info.graph_url).Authority
    }
    AfterAll { Stop-TestProxy $Proxy }

    It 'creates the job in the emulator through the proxy''s CONNECT tunnel' {
        $before = @(Get-TestProxyRequests $Proxy).Count
        $job = New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'viaproxy' -Proxy $Proxy.Url -ProxyCredential $ProxyCredential
        $job.TemplateId | Should -Be 'viaproxy'
        $tunnels = @(Get-TestProxyRequests $Proxy | Select-Object -Skip $before)
        $tunnels | Should -Be @("CONNECT $EmulatorAuthority HTTP/1.1")
        (Get-StoredJob $job.Id | ConvertFrom-Json).templateId | Should -Be 'viaproxy'
    }
    It 'without the credential: the proxy''s 407 is a clear error, tried once, and nothing is created' {
        $before = Get-EmulatorCounters
        $tunnels = @(Get-TestProxyRequests $Proxy).Count
        $out = New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'noauth' -Proxy $Proxy.Url -ErrorVariable failed -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $failed.Count | Should -Be 1
        "$($failed[0])" | Should -Match 'The proxy refused the request \(407 Proxy Authentication Required\)'
        "$($failed[0])" | Should -Match '-ProxyCredential'
        @(Get-TestProxyRequests $Proxy).Count - $tunnels | Should -Be 1 -Because 'a 407 is not retried'
        (Get-EmulatorCounters).jobs_created | Should -Be $before.jobs_created
    }
    It 'never shows the proxy password: not in -Debug, -Verbose, warnings or errors' {
        $streams = New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'quiet' -Proxy $Proxy.Url `
            -ProxyCredential $ProxyCredential -Debug -Verbose 5>&1 4>&1 3>&1 2>&1 | Out-String
        $streams | Should -Match 'HTTP REQUEST'
        $streams | Should -Match ([regex]::Escape("through the proxy $($Proxy.Url)"))
        $streams | Should -Not -Match $ProxyPassword
        $wrong = [pscredential]::new('alice', (ConvertTo-SecureString "$ProxyPassword-wrong" -AsPlainText -Force))
        $errors = New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'x' -Proxy $Proxy.Url -ProxyCredential $wrong -Debug -ErrorAction Continue 5>&1 2>&1 | Out-String
        $errors | Should -Match 'The proxy refused the request'
        $errors | Should -Not -Match $ProxyPassword
    }
    It 'never puts the password in the core''s process arguments or environment' {
        $null = New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'args' -Proxy $Proxy.Url -ProxyCredential $ProxyCredential
        if ((Get-TestTransport) -eq 'subprocess') {
            $helper = & (Get-Module MgBridge) { (Get-BridgeSubprocessState).Helper }
            $helper | Should -Not -BeNullOrEmpty
            [System.IO.File]::ReadAllText("/proc/$($helper.Id)/cmdline") | Should -Not -Match $ProxyPassword
            [System.IO.File]::ReadAllText("/proc/$($helper.Id)/environ") | Should -Not -Match $ProxyPassword
        } else {
            # In-process: the embedded Python's environment and this process's arguments.
            Invoke-TestEmbeddedPython "any('$ProxyPassword' in v for v in __import__('os').environ.values())" | Should -Be 'False'
            [System.IO.File]::ReadAllText('/proc/self/cmdline') | Should -Not -Match $ProxyPassword
        }
    }
    It 'refuses a -ProxyCredential without -Proxy, naming the parameter; nothing is sent' {
        $before = (Get-EmulatorCounters).total
        $null = New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'x' -ProxyCredential $ProxyCredential -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'BindingError,*'
        $failed[0].TargetObject | Should -Be 'ProxyCredential'
        "$($failed[0])" | Should -Match 'needs -Proxy'
        (Get-EmulatorCounters).total | Should -Be $before
    }
    It 'refuses a proxy URI that is not http(s), naming -Proxy' {
        $null = New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'x' -Proxy 'socks5://127.0.0.1:1080' -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].TargetObject | Should -Be 'Proxy'
        "$($failed[0])" | Should -Match 'absolute URI of an HTTP proxy'
    }
    It '-ProxyUseDefaultCredentials uses the session''s HTTPS_PROXY and the credential in it' {
        $saved = $env:HTTPS_PROXY
        try {
            $env:HTTPS_PROXY = "http://alice:$ProxyPassword@127.0.0.1:$($Proxy.Port)"
            $before = @(Get-TestProxyRequests $Proxy).Count
            $job = New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'viaenv' -ProxyUseDefaultCredentials
            $job.TemplateId | Should -Be 'viaenv'
            @(Get-TestProxyRequests $Proxy | Select-Object -Skip $before) | Should -Be @("CONNECT $EmulatorAuthority HTTP/1.1")
            # NO_PROXY excludes the host: straight to Graph, with a warning saying so.
            $env:NO_PROXY = '127.0.0.1'
            $before = @(Get-TestProxyRequests $Proxy).Count
            $job = New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'direct' -ProxyUseDefaultCredentials -WarningVariable warned -WarningAction SilentlyContinue
            $job.TemplateId | Should -Be 'direct'
            "$warned" | Should -Match 'goes directly'
            @(Get-TestProxyRequests $Proxy).Count | Should -Be $before
        } finally {
            $env:HTTPS_PROXY = $saved
            Remove-Item Env:NO_PROXY -ErrorAction SilentlyContinue
        }
    }
}

Describe '-HttpPipelineAppend, -HttpPipelinePrepend and -Break' {
    It '-<Name> with a step is an ErrorRecord naming it, and nothing is sent' -ForEach @(@{ Name = 'HttpPipelineAppend' }, @{ Name = 'HttpPipelinePrepend' }) {
        $before = (Get-EmulatorCounters).total
        $step = { param($request, $callback, $next) $next.SendAsync($request, $callback) }
        $splat = @{ ApplicationId = $AppId; TemplateId = 'pipe'; $Name = $step }
        $out = New-MgApplicationSynchronizationJob @splat -ErrorVariable failed -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -Be 'BindingError,Microsoft.Graph.PowerShell.Cmdlets.NewMgApplicationSynchronizationJob_CreateExpanded'
        $failed[0].TargetObject | Should -Be $Name
        "$($failed[0])" | Should -Match "^-$Name`: .*SendAsyncStep.*nothing was sent"
        (Get-EmulatorCounters).total | Should -Be $before
    }
    It 'an empty pipeline array changes nothing: the job is created' {
        $job = New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'emptypipe' -HttpPipelineAppend @()
        $job.TemplateId | Should -Be 'emptypipe'
    }
    It 'the error lets the pipeline go on (non-terminating)' {
        $jobs = @(@{ templateId = 'p1' }, @{ templateId = 'p2' }) |
            New-MgApplicationSynchronizationJob -ApplicationId $AppId -HttpPipelinePrepend { } -ErrorVariable failed -ErrorAction SilentlyContinue
        $jobs | Should -BeNullOrEmpty
        $failed.Count | Should -Be 2
    }
    It '-Break where no debugger can attach (non-interactive pwsh) says so and the call goes on' {
        $result = Invoke-ChildPwsh @'
Connect-TestGraph
$info = Get-TestEmulator
$job = New-MgApplicationSynchronizationJob -ApplicationId $info.application_id -TemplateId 'break' -Break -WarningVariable w -WarningAction SilentlyContinue
"TEMPLATE=$($job.TemplateId)"
"WARNING=$w"
'@
        $result.Output | Should -Match 'TEMPLATE=break'
        $result.Output | Should -Match 'WARNING=-Break: no \.NET debugger can attach here \(pwsh runs with -NonInteractive\)'
        $result.Output | Should -Match '-Debug shows the HTTP request and response'
    }
}

Describe '-Break in an interactive session (a real terminal: tmux)' {
    It 'waits for a debugger as the SDK does, saying which process; Ctrl+C stops it and nothing is sent' {
        $tmux = (Get-Command tmux -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
        $session = "mgbridge-break-$PID"
        $script = Join-Path $TestDrive 'break.ps1'
        $helpers = Join-Path $PSScriptRoot 'TestHelpers.psm1'
        Set-Content -LiteralPath $script -Value @"
Import-Module '$helpers'
Connect-TestGraph
`$info = Get-TestEmulator
'READY'
`$job = New-MgApplicationSynchronizationJob -ApplicationId `$info.application_id -TemplateId 'interactive-break' -Break
"AFTER=[`$job]"
"@
        $before = (Get-EmulatorCounters).jobs_created
        # A terminal of its own: pwsh is interactive there (no -NonInteractive, input not redirected).
        & $tmux new-session -d -s $session -x 200 -y 50 "env -u CI '$(Get-TestPwsh)' -NoProfile -NoExit -File '$script'"
        try {
            $screen = ''
            for ($i = 0; $i -lt 600 -and $screen -notmatch 'Waiting for debugger to attach to process \d+'; $i++) {
                Start-Sleep -Milliseconds 100  # polling the screen: tmux has no event for "text shown"
                $screen = (& $tmux capture-pane -p -t $session) -join "`n"
            }
            $screen | Should -Match 'Waiting for debugger to attach to process \d+ \(Ctrl\+C to stop\)'
            $screen | Should -Match 'a \.NET debugger does not step into'
            & $tmux send-keys -t $session C-c
            for ($i = 0; $i -lt 600 -and $screen -notmatch 'PS .*>\s*$'; $i++) {
                Start-Sleep -Milliseconds 100
                $screen = ((& $tmux capture-pane -p -t $session) -join "`n").TrimEnd()
            }
            $screen | Should -Match 'PS .*>\s*$' -Because 'Ctrl+C ends the wait and returns to the prompt'
            $screen | Should -Not -Match 'AFTER='
            (Get-EmulatorCounters).jobs_created | Should -Be $before
        } finally {
            & $tmux kill-session -t $session 2>$null
        }
    }
}

Describe 'Output: the SDK''s model classes' {
    BeforeAll {
        $script:Job = New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'typed' -ScheduleInterval '00:40:00' `
            -ScheduleExpiration ([datetime]::new(638000000001234567, [DateTimeKind]::Utc)) -ScheduleState Paused `
            -SynchronizationJobSettings @{ Name = 'Mode'; Value = 'Test' } `
            -SchemaDirectories @{ Name = 'AAD'; DiscoveryDateTime = '2030-01-02T03:04:05.1234567Z'; Objects = @(@{ Name = 'User'; SupportedApis = 'SCIM' }) }
    }
    It 'is a MicrosoftGraphSynchronizationJob implementing IMicrosoftGraphSynchronizationJob' {
        $Job -is [Microsoft.Graph.PowerShell.Models.MicrosoftGraphSynchronizationJob] | Should -BeTrue
        $Job -is [Microsoft.Graph.PowerShell.Models.IMicrosoftGraphSynchronizationJob] | Should -BeTrue
        $Job.GetType().FullName | Should -Be "$Models.MicrosoftGraphSynchronizationJob"
        $Job.PSTypeNames[0..1] | Should -Be @("$Models.MicrosoftGraphSynchronizationJob", "$Models.IMicrosoftGraphSynchronizationJob")
    }
    It 'has the SDK''s property types, with typed nested models' {
        $type = [Microsoft.Graph.PowerShell.Models.MicrosoftGraphSynchronizationJob]
        $type.GetProperty('ScheduleInterval').PropertyType | Should -Be ([Nullable[timespan]])
        $type.GetProperty('ScheduleExpiration').PropertyType | Should -Be ([Nullable[datetime]])
        $type.GetProperty('SchemaDirectories').PropertyType | Should -Be ([Microsoft.Graph.PowerShell.Models.IMicrosoftGraphDirectoryDefinition[]])
        $type.GetProperty('Status').PropertyType | Should -Be ([Microsoft.Graph.PowerShell.Models.IMicrosoftGraphSynchronizationStatus])
        [Microsoft.Graph.PowerShell.Models.MicrosoftGraphSynchronizationStatus].GetProperty('CountSuccessiveCompleteFailures').PropertyType | Should -Be ([Nullable[long]])
        $Job.ScheduleInterval | Should -Be ([timespan]::FromMinutes(40))
        $Job.ScheduleExpiration.Kind | Should -Be 'Utc'
        $Job.ScheduleExpiration.Ticks | Should -Be 638000000001234567
        $Job.ScheduleState | Should -Be 'Paused'
        $Job.Status | Should -BeOfType "$Models.MicrosoftGraphSynchronizationStatus"
        $Job.Status.Code | Should -Be 'NotConfigured'
        $Job.Status.SteadyStateFirstAchievedTime | Should -BeOfType [datetime]
        $Job.SchemaDirectories[0] | Should -BeOfType "$Models.MicrosoftGraphDirectoryDefinition"
        $Job.SchemaDirectories[0].DiscoveryDateTime.Ticks % 10000000 | Should -Be 1234567
        $Job.SchemaDirectories[0].Objects[0].SupportedApis | Should -Be @('SCIM')
        $Job.SynchronizationJobSettings[0] | Should -BeOfType "$Models.MicrosoftGraphKeyValuePair"
        $Job.SynchronizationJobSettings[0].Value | Should -Be 'Test'
    }
    It '$job.ToJsonString() is Graph''s JSON of the job as stored' {
        $stored = Get-StoredJob $Job.Id
        ConvertTo-CanonicalJson $Job.ToJsonString() | Should -Be (ConvertTo-CanonicalJson $stored -Drop '@odata.context')
        $Job.ToJsonString() | Should -Match '"expiration": "2022-09-28T22:13:20.1234567Z"'
    }
    It '$job.ToJson() is the JSON node; ToJson with SerializationMode.None leaves read-only properties out' {
        $node = $Job.ToJson()
        $node -is [System.Text.Json.Nodes.JsonObject] | Should -BeTrue
        $node['templateId'].GetValue[string]() | Should -Be 'typed'
        $node['schedule']['interval'].GetValue[string]() | Should -Be 'PT40M'
        $lean = $Job.ToJson($null, [Microsoft.Graph.PowerShell.Runtime.SerializationMode]::None)
        $lean.ContainsKey('id') | Should -BeFalse
        $lean.ContainsKey('templateId') | Should -BeTrue
    }
    It 'keeps keys it does not know in AdditionalProperties and writes them back' {
        # An OData annotation: a key the model does not declare that Graph keeps as sent.
        $job = New-MgApplicationSynchronizationJob -ApplicationId $AppId -BodyParameter @{ templateId = 'extra'; 'templateId@contoso.note' = 'on' } -WarningAction SilentlyContinue
        $job.AdditionalProperties['templateId@contoso.note'] | Should -Be 'on'
        ConvertTo-CanonicalJson $job.ToJsonString() | Should -Be (ConvertTo-CanonicalJson (Get-StoredJob $job.Id) -Drop '@odata.context')
        # Inside a flattened group (schedule) too, kept under the group's key.
        $json = '{"templateId":"t","schedule":{"interval":"PT1H","hint":3},"status":{"lastExecution":null}}'
        $read = [Microsoft.Graph.PowerShell.Models.MicrosoftGraphSynchronizationJob]::FromJsonString($json)
        $read.ScheduleInterval | Should -Be ([timespan]::FromHours(1))
        $read.AdditionalProperties['schedule']['hint'] | Should -Be 3
        ConvertTo-CanonicalJson $read.ToJsonString() | Should -Be (ConvertTo-CanonicalJson $json)
    }
    It 'an output object goes back in as -BodyParameter (its Graph JSON), typed values intact' {
        $again = $Job | New-MgApplicationSynchronizationJob -ApplicationId $AppId -WarningAction SilentlyContinue
        $again.TemplateId | Should -Be 'typed'
        $again.ScheduleInterval | Should -Be ([timespan]::FromMinutes(40))
        $again.Id | Should -Not -Be $Job.Id
    }
    It 'the default view is the table of Id and TemplateId; Format-List shows every property' {
        $header = (($Job | Format-Table | Out-String -Width 400) -split "`n" | Where-Object { $_.Trim() })[0]
        ($header -split '\s+' | Where-Object { $_ }) | Should -Be @('Id', 'TemplateId')
        $list = $Job | Format-List | Out-String -Width 400
        foreach ($name in 'Id', 'ScheduleExpiration', 'ScheduleInterval', 'ScheduleState', 'SchemaDirectories', 'SchemaId',
                          'SchemaProvisioningTaskIdentifier', 'SchemaSynchronizationRules', 'SchemaVersion', 'Status',
                          'SynchronizationJobSettings', 'TemplateId', 'AdditionalProperties') {
            $list | Should -Match "(?m)^$name\s+:"
        }
        $list | Should -Match '(?m)^ScheduleInterval\s+: 00:40:00'
    }
}

Describe 'Dates as the SDK sends them' {
    It 'keeps all 7 fractional digits (.1234567) from <Name> to the wire' -ForEach @(
        @{ Name = 'a [DateTime] parameter'; Splat = @{ ScheduleExpiration = [datetime]::new(2030, 1, 2, 3, 4, 5, [DateTimeKind]::Utc).AddTicks(1234567) } }
        @{ Name = 'a [DateTimeOffset] in a hashtable'; Splat = @{ BodyParameter = @{ templateId = 'dto'; schedule = @{ expiration = [datetimeoffset]::new(2030, 1, 2, 8, 34, 5, [timespan]'05:30').AddTicks(1234567) } } } }
        @{ Name = 'a string in a hashtable'; Splat = @{ BodyParameter = @{ templateId = 'str'; ScheduleExpiration = '2030-01-02T03:04:05.1234567Z' } } }
    ) {
        if (-not $Splat.ContainsKey('BodyParameter')) { $Splat.TemplateId = 'dt' }
        $job = New-MgApplicationSynchronizationJob -ApplicationId $AppId @Splat
        (Get-LastJobBody | ConvertFrom-Json -AsHashtable -DateKind String).schedule.expiration | Should -Be '2030-01-02T03:04:05.1234567Z'
        $job.ScheduleExpiration.Ticks | Should -Be ([datetime]::new(2030, 1, 2, 3, 4, 5, [DateTimeKind]::Utc).AddTicks(1234567).Ticks)
    }
    It 'under TZ=Asia/Kolkata an offset-less string in a hashtable is UTC, a [DateTime] of unspecified kind local' {
        $result = Invoke-ChildPwsh -Environment @{ TZ = 'Asia/Kolkata' } @'
Connect-TestGraph
$info = Get-TestEmulator
"OFFSET=$([System.TimeZoneInfo]::Local.BaseUtcOffset)"
$null = New-MgApplicationSynchronizationJob -ApplicationId $info.application_id -BodyParameter @{ templateId = 'tz'; schedule = @{ expiration = '2030-01-02T03:04:05' } }
"STRING=$((Get-LastJobBody | ConvertFrom-Json -AsHashtable -DateKind String).schedule.expiration)"
$null = New-MgApplicationSynchronizationJob -ApplicationId $info.application_id -TemplateId 'tz' -ScheduleExpiration ([datetime]'2030-01-02T03:04:05')
"DATETIME=$((Get-LastJobBody | ConvertFrom-Json -AsHashtable -DateKind String).schedule.expiration)"
'@
        $result.Output | Should -Match 'OFFSET=05:30:00'
        $result.Output | Should -Match 'STRING=2030-01-02T03:04:05Z'
        $result.Output | Should -Match 'DATETIME=2030-01-01T21:34:05Z'
    }
}

Describe 'Side by side with Microsoft.Graph.Authentication' {
    It 'says why "Authentication needed" when Microsoft''s Connect-MgGraph took the call, and how to fix it' {
        $stub = Join-Path $TestDrive 'modules/Microsoft.Graph.Authentication'
        $null = New-Item -ItemType Directory -Path $stub -Force
        Set-Content -LiteralPath (Join-Path $stub 'Microsoft.Graph.Authentication.psm1') -Value @'
# A stand-in for Microsoft's module: the same command names, its own connection.
$script:Context = $null
function Connect-MgGraph { param([string]$ClientId, [string]$TenantId) $script:Context = [pscustomobject]@{ ClientId = $ClientId; TenantId = $TenantId }; 'Welcome To Microsoft Graph!' }
function Get-MgContext { $script:Context }
Export-ModuleMember -Function Connect-MgGraph, Get-MgContext
'@
        New-ModuleManifest -Path (Join-Path $stub 'Microsoft.Graph.Authentication.psd1') -RootModule 'Microsoft.Graph.Authentication.psm1' `
            -ModuleVersion '1.28.0' -FunctionsToExport 'Connect-MgGraph', 'Get-MgContext'
        $manifest = Join-Path (Get-TestRepository) 'psmodule/MgBridge.psd1'
        $result = Invoke-ChildPwsh -Environment @{ PSModulePath = "$(Join-Path $TestDrive 'modules')$([System.IO.Path]::PathSeparator)$env:PSModulePath" } @"
Import-Module '$manifest'
Import-Module Microsoft.Graph.Authentication
`$null = Connect-MgGraph -ClientId x -TenantId y
`$null = New-MgApplicationSynchronizationJob -ApplicationId 'a' -TemplateId 't' -ErrorVariable failed -ErrorAction SilentlyContinue
"ID=`$(`$failed[0].FullyQualifiedErrorId)"
"MESSAGE=`$(`$failed[0].Exception.Message)"
`$null = MgBridge\Get-MgContext
"@
        $result.Output | Should -Match 'ID=AuthenticationError,'
        $message = ($result.Output -split "`n" | Where-Object { $_ -like 'MESSAGE=*' }) -join ''
        $message | Should -Match 'Authentication needed\. Please call Connect-MgGraph\.'
        $message | Should -Match "connected through Microsoft's Microsoft\.Graph\.Authentication module \(1\.28\.0"
        $message | Should -Match ([regex]::Escape('MgBridge\Connect-MgGraph'))
        $message | Should -Match ([regex]::Escape('Import-Module MgBridge -Force'))
        $message | Should -Match ([regex]::Escape('#Requires -Modules MgBridge'))
    }
    It 'without Microsoft''s module the message stays the SDK''s' {
        $result = Invoke-ChildPwsh @"
Import-Module '$(Join-Path (Get-TestRepository) 'psmodule/MgBridge.psd1')'
`$null = New-MgApplicationSynchronizationJob -ApplicationId 'a' -TemplateId 't' -ErrorVariable failed -ErrorAction SilentlyContinue
"MESSAGE=`$(`$failed[0].Exception.Message)"
"@
        $result.Output | Should -Match '(?m)^MESSAGE=Authentication needed\. Please call Connect-MgGraph\.\s*$'
    }
}

Describe 'Completion, help and PowerShell wording' {
    It '-ScheduleState <Tab> offers Graph''s values' {
        $line = 'New-MgApplicationSynchronizationJob -ScheduleState '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('Active', 'Disabled', 'Paused')
        $line = 'New-MgApplicationSynchronizationJob -ScheduleState P'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('Paused')
    }
    It 'Get-Help about_MgBridge exists and states the 1.x surface' {
        $text = Get-Help about_MgBridge | Out-String
        $text | Should -Match 'about_MgBridge'
        $text | Should -Match 'Microsoft\.Graph\.Identity\.Application 1\.x'
        foreach ($name in '-Schedule', '-Schema', '-AdditionalProperties', '-BulkUpload', '-Headers', '-ResponseHeadersVariable') {
            $text | Should -Match ([regex]::Escape($name))
        }
    }
    It 'recommends in PowerShell terms: <Name>' -ForEach @(
        @{ Name = 'a bad TimeSpan'; Body = @{ templateId = 't'; ScheduleInterval = 'forty minutes' }; Want = '\[TimeSpan\]'; Not = 'timedelta' }
        @{ Name = 'a bad DateTime'; Body = @{ templateId = 't'; ScheduleExpiration = 42 }; Want = '\[DateTime\]'; Not = 'datetime or' }
        @{ Name = 'a bad model'; Body = @{ templateId = 't'; Status = 'running' }; Want = 'hashtable'; Not = '\bdict\b' }
        @{ Name = 'a bad Boolean'; Body = @{ templateId = 't'; SchemaDirectories = @{ ReadOnly = 'yes' } }; Want = '\$true or \$false'; Not = 'True/False' }
    ) {
        $null = New-MgApplicationSynchronizationJob -ApplicationId $AppId -BodyParameter $Body -ErrorVariable failed -ErrorAction SilentlyContinue
        $text = "$($failed[0].Exception.Message) $($failed[0].ErrorDetails.RecommendedAction)"
        $text | Should -Match $Want
        $text | Should -Not -Match $Not
        $text | Should -Not -Match "'forty minutes'\)|\{'|None\b"
    }
}
