# Parity of the two transports: the same calls through subprocess and pythonnet, in one
# run against one emulator, must give the same outputs, errors, warnings, host output
# (-WhatIf) and the same requests at the emulator.
#
# Each transport runs the whole case list in a fresh pwsh of its own (Invoke-ParityRun;
# Python state is per process with pythonnet, so a child process keeps both runs apart and
# lets the host's -WhatIf text be read from stdout). Per case the child prints what it saw
# between markers: the objects' JSON, the ErrorRecords (FullyQualifiedErrorId, category,
# message, target, Graph status/code), warnings, and the emulator requests the case caused
# (method, path, query, route, body, status, fault; from /_emulator/requests by request id).
# Volatile values (job ids, request ids, dates the emulator stamps, the seconds a retry
# took) are masked; nothing else is. Run once per suite run (Run-Pester runs it in the pythonnet pass).
#
# The case list reaches the run phase only as the Describe's -ForEach data, never through a
# script-scope variable: in Pester 5 a test file's `$script:` scope is the runner's, shared
# with every other file discovered in the same run (another file's `$script:Cases` once
# replaced this list when the files ran in reverse order).
BeforeDiscovery {
    # Each case: a name and code run with $app (the application id) and $info (the emulator).
    $cases = @(
        @{ Name = 'CreateExpanded, every expanded parameter'; Code = @'
New-MgApplicationSynchronizationJob -ApplicationId $app -TemplateId 'scim' -ScheduleInterval (New-TimeSpan -Minutes 40) `
    -ScheduleState 'active' -ScheduleExpiration ([datetime]::new(2030, 1, 2, 3, 4, 5, [DateTimeKind]::Utc)) `
    -SynchronizationJobSettings @{ Name = 'a'; Value = 'b' } -SchemaVersion '1.0' -SchemaDirectories @{ Name = 'AAD' } `
    -SchemaSynchronizationRules @{ Priority = 1; Editable = $true } -Status @{ Code = 'Paused' }
'@ }
        @{ Name = 'Create (BodyParameter hashtable)'; Code = 'New-MgApplicationSynchronizationJob -ApplicationId $app -BodyParameter @{ templateId = ''scim''; schedule = @{ interval = ''PT1H'' } }' }
        @{ Name = 'CreateViaIdentity'; Code = 'New-MgApplicationSynchronizationJob -InputObject @{ ApplicationId = $app } -BodyParameter @{ TemplateId = ''viaid'' }' }
        @{ Name = 'CreateViaIdentityExpanded'; Code = 'New-MgApplicationSynchronizationJob -InputObject @{ applicationid = $app } -TemplateId ''viaidx'' -ScheduleState Paused' }
        @{ Name = 'NOTES shapes in mixed key case'; Code = @'
$body = @{
    TEMPLATEID = 'scim'
    scheduleinterval = [timespan]::FromHours(2)
    SchemaDirectories = @(@{ NAME = 'AAD'; objects = @(@{ Name = 'User'; ATTRIBUTES = @(@{ name = 'mail'; Anchor = $false; type = 'string' }) }) })
    schemasynchronizationrules = @(@{ Name = 'r'; ObjectMappings = @(@{ sourceObjectName = 'User'; ScopeGroups = @(@{ Clauses = @(@{ OperatorName = 'EQUALS'; TargetOperandValues = @('x') }) }) }) })
    status = @{ CODE = 'notrun'; LastExecutionErrorCode = 'E1'; QuarantineSeriesCount = 3 }
    SynchronizationJobSettings = @([ordered]@{ name = 'n'; VALUE = 'v' })
}
New-MgApplicationSynchronizationJob -ApplicationId $app -BodyParameter $body
'@ }
        @{ Name = 'SchemaDirectories / rules / Status hashtables'; Code = 'New-MgApplicationSynchronizationJob -ApplicationId $app -TemplateId scim -SchemaDirectories @{ Name = ''AAD''; Discoverabilities = ''attributenames, referenceattributes'' } -SchemaSynchronizationRules @{ PRIORITY = 1; editable = $true } -Status @{ code = ''Paused'' }' }
        @{ Name = 'PSCustomObject, ConvertFrom-Json, -AsHashtable, JSON text'; Code = @'
New-MgApplicationSynchronizationJob -ApplicationId $app -BodyParameter ([pscustomobject]@{ templateId = 'pso' })
New-MgApplicationSynchronizationJob -ApplicationId $app -BodyParameter ('{"templateId":"cfj","schedule":{"state":"Active"}}' | ConvertFrom-Json)
New-MgApplicationSynchronizationJob -ApplicationId $app -BodyParameter ('{"TemplateId":"ht","synchronizationJobSettings":[]}' | ConvertFrom-Json -AsHashtable)
New-MgApplicationSynchronizationJob -ApplicationId $app -BodyParameter (@{ templateId = 'json'; schedule = @{ interval = 'PT5M' } } | ConvertTo-Json)
'@ }
        @{ Name = 'explicit null, empty array, false'; Code = 'New-MgApplicationSynchronizationJob -ApplicationId $app -BodyParameter @{ templateId = ''n''; SchemaVersion = $null; SynchronizationJobSettings = @(); Status = @{ EscrowsPruned = $false } }' }
        @{ Name = 'unknown nested keys keep their casing (warning)'; Code = @'
$null = Invoke-RestMethod -SkipCertificateCheck -Method Post -Uri "$($info.admin_url)/config" -ContentType 'application/json' -Body '{"strict_properties":false}'
try { New-MgApplicationSynchronizationJob -ApplicationId $app -BodyParameter @{ templateId = 'u'; Status = @{ MyCustomKey = @{ InnerKEY = 1 } } } }
finally { $null = Invoke-RestMethod -SkipCertificateCheck -Method Post -Uri "$($info.admin_url)/config" -ContentType 'application/json' -Body '{"strict_properties":true}' }
'@ }
        @{ Name = 'TimeSpan ticks and DateTime kinds'; Code = 'New-MgApplicationSynchronizationJob -ApplicationId $app -TemplateId t -ScheduleInterval ([timespan]::new(1, 2, 3, 4, 5)) -ScheduleExpiration ([datetime]::new(2030, 6, 1, 12, 0, 0, [DateTimeKind]::Unspecified))' }
        @{ Name = 'pipeline of bodies'; Code = '1..5 | ForEach-Object { @{ templateId = "p$_" } } | New-MgApplicationSynchronizationJob -ApplicationId $app' }
        @{ Name = 'pipeline of identities'; Code = '@(@{ ApplicationId = $app }, [pscustomobject]@{ ApplicationId = $app }) | New-MgApplicationSynchronizationJob -BodyParameter @{ templateId = ''pipeid'' }' }
        @{ Name = '404 unknown application'; Code = 'New-MgApplicationSynchronizationJob -ApplicationId ''no-such-app'' -TemplateId x' }
        @{ Name = '400 from Graph (unknown property, strict)'; Code = 'New-MgApplicationSynchronizationJob -ApplicationId $app -BodyParameter @{ templateId = ''x''; bogusProperty = 1 }' }
        @{ Name = '403 read-only client'; Code = @'
Connect-Parity -ReadOnly
try { New-MgApplicationSynchronizationJob -ApplicationId $app -TemplateId ro } finally { Connect-Parity }
'@ }
        @{ Name = 'fault status 400 in a pipeline (non-terminating)'; Code = @'
Set-ParityFault '[{"route":"jobs.create","kind":"status","status":400,"count":1}]'
try { @(@{ templateId = 'f1' }, @{ templateId = 'f2' }) | New-MgApplicationSynchronizationJob -ApplicationId $app } finally { Set-ParityFault }
'@ }
        @{ Name = 'fault 503 with MaxRetry 0'; Code = @'
$null = Set-MgRequestContext -MaxRetry 0 -RetryDelay 0
Set-ParityFault '[{"route":"jobs.create","kind":"status","status":503,"count":1}]'
try { New-MgApplicationSynchronizationJob -ApplicationId $app -TemplateId rc } finally { Set-ParityFault; $null = Set-MgRequestContext -MaxRetry 3 -RetryDelay 3 }
'@ }
        @{ Name = 'fault 429 retried after Retry-After'; Code = @'
Set-ParityFault '[{"route":"jobs.create","kind":"status","status":429,"retry_after":0,"count":1}]'
try { New-MgApplicationSynchronizationJob -ApplicationId $app -TemplateId retried } finally { Set-ParityFault }
'@ }
        @{ Name = 'malformed JSON answer'; Code = @'
Set-ParityFault '[{"route":"jobs.create","kind":"malformed_json","count":1}]'
try { New-MgApplicationSynchronizationJob -ApplicationId $app -TemplateId mal } finally { Set-ParityFault }
'@ }
        @{ Name = 'bad input: wrong type at a key path'; Code = 'New-MgApplicationSynchronizationJob -ApplicationId $app -SchemaDirectories @{ Objects = @(@{ Attributes = @(@{ Anchor = ''yes'' }) }) }' }
        @{ Name = 'bad input: unconvertible value'; Code = 'New-MgApplicationSynchronizationJob -ApplicationId $app -BodyParameter @{ templateId = ''t''; SchemaVersion = [System.IO.DirectoryInfo]::new(''/tmp'') }' }
        @{ Name = 'bad input: enum value'; Code = 'New-MgApplicationSynchronizationJob -ApplicationId $app -TemplateId t -ScheduleState Sometimes' }
        @{ Name = 'bad input: PowerShell binding (-Status 42)'; Code = 'New-MgApplicationSynchronizationJob -ApplicationId $app -Status 42' }
        @{ Name = '-ErrorAction Stop is terminating'; Code = 'New-MgApplicationSynchronizationJob -ApplicationId ''no-such-app'' -TemplateId x -ErrorAction Stop' }
        @{ Name = '-WhatIf, CreateExpanded'; Code = 'New-MgApplicationSynchronizationJob -ApplicationId ''a b'' -TemplateId scim -ScheduleInterval 00:40:00 -WhatIf' }
        @{ Name = '-WhatIf, Create'; Code = 'New-MgApplicationSynchronizationJob -ApplicationId $app -BodyParameter @{ TemplateId = ''w''; Status = @{ Code = ''Active'' } } -WhatIf' }
        @{ Name = '-WhatIf with bad input'; Code = 'New-MgApplicationSynchronizationJob -ApplicationId $app -TemplateId t -ScheduleState Sometimes -WhatIf' }
        @{ Name = 'Select-MgProfile beta'; Code = 'Select-MgProfile -Name beta; try { New-MgApplicationSynchronizationJob -ApplicationId $app -TemplateId beta } finally { Select-MgProfile -Name v1.0 }' }
        @{ Name = 'session commands'; Code = @'
Get-MgContext | Select-Object ClientId, TenantId, AuthType, Environment, Scopes, ContextScope
Get-MgEnvironment | Sort-Object Name | Select-Object Name, AzureADEndpoint, GraphEndpoint, Type
Get-MgRequestContext
Add-MgEnvironment -Name Emu -AzureADEndpoint $info.login_url -GraphEndpoint $info.graph_url
'@ }
    )
}

Describe 'Parity of the transports' -ForEach @(@{ Cases = $cases }) {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
        $null = Get-TestEmulator  # sets $env:MGBRIDGE_TEST_EMULATOR (starts one when this file runs alone)

        # The child: import the module with one transport, connect, run every case between
        # markers. Host output (What if:) lands on stdout between the markers.
        $Child = @'
param($manifest, $infoFile, $casesFile, $transport)
$ErrorActionPreference = 'Continue'
$info = [System.IO.File]::ReadAllText($infoFile) | ConvertFrom-Json
Import-Module $manifest -ArgumentList $transport -ErrorAction Stop
$app = $info.application_id
function Connect-Parity([switch]$ReadOnly) {
    if (-not (Get-MgEnvironment | Where-Object Name -eq 'Emu')) {
        $null = Add-MgEnvironment -Name Emu -AzureADEndpoint $info.login_url -GraphEndpoint $info.graph_url -CaFile $info.ca_file
    }
    $id, $secret = if ($ReadOnly) { $info.readonly_client_id, $info.readonly_client_secret } else { $info.client_id, $info.client_secret }
    Connect-MgGraph -Environment Emu -TenantId $info.tenant_id -NoWelcome `
        -ClientSecretCredential ([pscredential]::new($id, (ConvertTo-SecureString $secret -AsPlainText -Force)))
}
function Set-ParityFault([string]$Json) {
    $method = if ($Json) { 'Post' } else { 'Delete' }
    $null = Invoke-RestMethod -SkipCertificateCheck -Method $method -Uri "$($info.admin_url)/faults" -ContentType 'application/json' -Body $Json
}
function Get-ParityLog { @(Invoke-RestMethod -SkipCertificateCheck -Uri "$($info.admin_url)/requests" | ForEach-Object { $_ }) }
Connect-Parity
$used = (& (Get-Module MgBridge) { $script:BridgeTransport })
[Console]::Out.WriteLine("TRANSPORT $used")
foreach ($case in ([System.IO.File]::ReadAllText($casesFile) | ConvertFrom-Json)) {
    $seen = [System.Collections.Generic.HashSet[string]]::new([string[]]@(Get-ParityLog | ForEach-Object request_id))
    [Console]::Out.WriteLine("<<<CASE $($case.Name)")
    [Console]::Out.Flush()
    $block = [scriptblock]::Create($case.Code)
    $terminating = $null
    $all = try { & $block *>&1 } catch { $terminating = $_ }
    [Console]::Out.Flush()
    $record = [ordered]@{ output = @(); errors = @(); warnings = @(); information = @() }
    foreach ($item in @($all) + @($terminating)) {
        if ($null -eq $item) { continue }
        if ($item -is [System.Management.Automation.ErrorRecord]) {
            $e = $item.Exception
            $record.errors += [ordered]@{
                terminating = [object]::ReferenceEquals($item, $terminating)
                id = $item.FullyQualifiedErrorId; category = "$($item.CategoryInfo.Category)"
                message = $e.Message; details = "$($item.ErrorDetails)"; target = "$($item.TargetObject)"
                type = "$($e.GetType().FullName)"
                status = $(if ($e.PSObject.Properties['Status']) { $e.Status }); code = $(if ($e.PSObject.Properties['Code']) { $e.Code })
                requestId = $(if ($e.PSObject.Properties['RequestId']) { [bool]$e.RequestId })
                parameter = $(if ($e.PSObject.Properties['Parameter']) { $e.Parameter }); path = $(if ($e.PSObject.Properties['Path']) { $e.Path })
            }
        } elseif ($item -is [System.Management.Automation.WarningRecord]) {
            $record.warnings += $item.Message
        } elseif ($item -is [System.Management.Automation.VerboseRecord] -or $item -is [System.Management.Automation.DebugRecord]) {
            continue
        } elseif ($item -is [System.Management.Automation.InformationRecord]) {
            $record.information += "$item"
        } else {
            $record.output += [ordered]@{
                typeNames = @($item.PSTypeNames)
                display = @($item.PSStandardMembers.DefaultDisplayPropertySet.ReferencedPropertyNames)
                json = ($item | ConvertTo-Json -Depth 15 -Compress)
            }
        }
    }
    $record.requests = @(Get-ParityLog | Where-Object { -not $seen.Contains($_.request_id) } | ForEach-Object {
        $headers = [ordered]@{}
        foreach ($p in $_.headers.PSObject.Properties) {
            if ($p.Name -notmatch '^(client-request-id|x-ms-client-request-id|traceparent|content-length)$') { $headers[$p.Name.ToLowerInvariant()] = $p.Value }
        }
        [ordered]@{ method = $_.method; path = $_.path; query = $_.query; route = $_.route; status = $_.status
            fault = $_.fault; body = $_.body; headers = $headers }
    })
    [Console]::Out.WriteLine('>>>RESULT ' + ($record | ConvertTo-Json -Depth 30 -Compress))
}
'@

        function Invoke-ParityRun {
            # Run every case through one transport in a fresh pwsh; a hashtable case name ->
            # @{ Host = the host's text; Result = the recorded JSON (volatile values masked) }.
            param([string]$Transport, [string]$CasesFile)
            $script = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-parity-$PID.ps1"
            [System.IO.File]::WriteAllText($script, $Child)
            $manifest = Join-Path (Get-TestRepository) 'psmodule/MgBridge.psd1'
            $env:MGBRIDGE_TRANSPORT, $saved = $Transport, $env:MGBRIDGE_TRANSPORT
            try {
                $lines = & (Get-TestPwsh) -NoProfile -NonInteractive -File $script $manifest $env:MGBRIDGE_TEST_EMULATOR $CasesFile $Transport 2>&1
            } finally { $env:MGBRIDGE_TRANSPORT = $saved; Remove-Item $script -ErrorAction SilentlyContinue }
            $runs = @{ Transport = $null; Cases = [ordered]@{}; Unfinished = @{} }
            $name = $null
            $hostText = [System.Collections.Generic.List[string]]::new()
            foreach ($line in $lines) {
                $line = "$line"
                if ($line -like 'TRANSPORT *') { $runs.Transport = $line.Substring(10); continue }
                if ($line -like '<<<CASE *') {
                    if ($name) { $runs.Unfinished[$name] = $hostText -join "`n" }  # it never printed its result
                    $name = $line.Substring(8); $hostText.Clear(); continue
                }
                if ($line -like '>>>RESULT *') {
                    $runs.Cases[$name] = @{ Host = ($hostText -join "`n"); Result = (Hide-ParityVolatile $line.Substring(10)) }
                    $name = $null
                    continue
                }
                if ($name) { $hostText.Add($line) } else { Write-Host "parity ($Transport): $line" }
            }
            if ($name) { $runs.Unfinished[$name] = $hostText -join "`n" }
            $runs.Tail = (@($lines | Select-Object -Last 8) | ForEach-Object { "$_" }) -join ' | '
            $runs
        }

        function Hide-ParityVolatile([string]$Json) {
            # Job ids ('<template>.<random>'), request ids, and timestamps the emulator makes.
            $Json = $Json -replace '(\\?"Id\\?":\\?")[^"\\]+\.[0-9a-f]{16,}', '$1<job-id>'
            $Json = $Json -replace '(\\?"id\\?":\\?")[^"\\]+\.[0-9a-f]{16,}', '$1<job-id>'
            $Json = $Json -replace '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '<guid>'
            # How long the retries took depends on the machine's load, not on the transport.
            $Json = $Json -replace 'attempt\(s\) in \d+\.\d s', 'attempt(s) in <seconds> s'
            $Json -replace '\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?', '<time>'
        }

        $CasesFile = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-parity-cases-$PID.json"
        [System.IO.File]::WriteAllText($CasesFile, (ConvertTo-Json -InputObject @($Cases) -Depth 3))
        $Runs = @{}
        foreach ($transport in 'subprocess', 'pythonnet') { $Runs[$transport] = Invoke-ParityRun -Transport $transport -CasesFile $CasesFile }
        # To look at what was compared: $env:MGBRIDGE_PARITY_DUMP = <file>.
        if ($env:MGBRIDGE_PARITY_DUMP) { $Runs | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $env:MGBRIDGE_PARITY_DUMP }
    }

    AfterAll {
        Remove-Item $CasesFile -ErrorAction SilentlyContinue
    }

    Describe 'Both transports ran' {
        It 'each child used the transport it was given (no fallback)' {
            $Runs.subprocess.Transport | Should -Be 'subprocess'
            $Runs.pythonnet.Transport | Should -Be 'pythonnet'
        }
    }

    Describe 'Same calls, same results' {
        It '<Name>: same output, errors, warnings, host text and emulator requests' -ForEach $Cases {
            $a = $Runs.subprocess.Cases[$Name]
            $b = $Runs.pythonnet.Cases[$Name]
            $a | Should -Not -BeNullOrEmpty -Because "the subprocess run recorded this case (it printed: $($Runs.subprocess.Unfinished[$Name]); last lines: $($Runs.subprocess.Tail))"
            $b | Should -Not -BeNullOrEmpty -Because "the pythonnet run recorded this case (it printed: $($Runs.pythonnet.Unfinished[$Name]))"
            $b.Result | Should -BeExactly $a.Result
            $b.Host | Should -BeExactly $a.Host
            # Not vacuous: the case did something observable.
            ($a.Result | ConvertFrom-Json -AsHashtable).Values.Where({ @($_).Count -gt 0 }).Count + $a.Host.Length | Should -BeGreaterThan 0
        }
    }
}
