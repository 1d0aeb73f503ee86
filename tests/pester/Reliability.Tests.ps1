# Reliability (issue 10), the same expectations on both transports: one create never makes two
# jobs, no input changes the request path, every bad input is a non-terminating BindingError
# that lets the pipeline go on, and a Connect-MgGraph never breaks a call in flight.
# Each test counts on an application of its own, so no other test (or file) can disturb it;
# waits are handshakes with the emulator's request log, never guesses at a duration.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    $script:Transport = Get-TestTransport
}
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Connect-TestGraph
    $script:Info = Get-TestEmulator
    $script:Manifest = Join-Path (Get-TestRepository) 'psmodule/MgBridge.psd1'
    function New-TestApplication { (Invoke-EmulatorAdmin 'applications' -Method POST -Body @{}).id }
    function Get-TestJobs([string]$AppId) { @((Invoke-EmulatorAdmin "applications/$AppId/jobs").value) }
    function Get-TestPosts([string]$AppId) {
        @(Get-EmulatorRequests -Route 'jobs.create' | Where-Object { $_.path -like "*/applications/$AppId/*" })
    }
    function Wait-TestPosts([string]$AppId, [int]$Count, [switch]$Answered) {
        # Until the emulator has received (and, with -Answered, answered) that many POSTs.
        $deadline = [datetime]::UtcNow.AddSeconds(120)  # only a hang ends here
        while ($true) {
            $posts = Get-TestPosts $AppId
            if ($posts.Count -ge $Count -and (-not $Answered -or -not @($posts | Where-Object { $null -eq $_.status }).Count)) { return }
            if ([datetime]::UtcNow -gt $deadline) { throw "the emulator never got $Count POST(s) for $AppId" }
            Start-Sleep -Milliseconds 20
        }
    }
}

Describe 'One create never makes two jobs' {
    It 'a create slower than -ClientTimeout ends with one job (or an outcome-unknown Timeout error), never two' {
        $app = New-TestApplication
        Set-EmulatorFaults @(@{ route = 'jobs.create'; kind = 'latency'; seconds = 6; count = 1 })
        Set-MgRequestContext -ClientTimeout 1 -RetryDelay 0 | Out-Null
        try {
            $job = New-MgApplicationSynchronizationJob -ApplicationId $app -TemplateId 'slow' -ErrorVariable ev -ErrorAction SilentlyContinue
        } finally {
            Set-MgRequestContext -ClientTimeout 300 -RetryDelay 3 | Out-Null
            Clear-EmulatorFaults
        }
        Wait-TestPosts $app 1 -Answered
        $jobs = Get-TestJobs $app
        $jobs.Count | Should -Be 1  # before: two
        (Get-TestPosts $app).Count | Should -Be 1
        if ($job) {
            $job.Id | Should -Be $jobs[0].id
        } else {
            $ev[0].FullyQualifiedErrorId | Should -BeLike 'Timeout,*'
            $ev[0].Exception.Message | Should -Match 'outcome is unknown.*nothing was re-sent'
        }
    }

    It 'an identical create after a lost answer returns the older job with a warning that says so' {
        $app = New-TestApplication
        $older = New-MgApplicationSynchronizationJob -ApplicationId $app -TemplateId 'twin'
        Set-EmulatorFaults @(@{ route = 'jobs.create'; kind = 'drop_before'; count = 1 })
        try {
            $job = New-MgApplicationSynchronizationJob -ApplicationId $app -TemplateId 'twin' -WarningVariable w -WarningAction SilentlyContinue
        } finally { Clear-EmulatorFaults }
        $job.Id | Should -Be $older.Id
        (Get-TestJobs $app).Count | Should -Be 1
        "$w" | Should -Match 'answer .* was lost.*may be an identical object that existed before this call'
    }
}

Describe 'No input changes the request path' {
    It '<Name> is a BindingError and nothing is sent' -ForEach @(
        @{ Name = "-ApplicationId '..'"; Call = { New-MgApplicationSynchronizationJob -ApplicationId '..' -TemplateId 'x' -ErrorVariable ev -ErrorAction SilentlyContinue; $ev } }
        @{ Name = "-ApplicationId '.'"; Call = { New-MgApplicationSynchronizationJob -ApplicationId '.' -TemplateId 'x' -ErrorVariable ev -ErrorAction SilentlyContinue; $ev } }
        @{ Name = "-InputObject @{ApplicationId='..'}"; Call = { New-MgApplicationSynchronizationJob -InputObject @{ ApplicationId = '..' } -TemplateId 'x' -ErrorVariable ev -ErrorAction SilentlyContinue; $ev } }
    ) {
        $before = (Get-EmulatorCounters).total
        $ev = & $Call
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'BindingError,*'
        $ev[0].Exception.Message | Should -Match "would change the request's path"
        (Get-EmulatorCounters).total | Should -Be $before
    }
}

Describe 'Bad input is a non-terminating BindingError; the pipeline goes on' {
    It '<Name>' -ForEach @(
        @{ Name = 'a hashtable that contains itself'; Make = { $h = @{ templateId = 'x' }; $h.again = $h; $h }; Why = 'nested more than 100 levels' }
        @{ Name = 'a body nested 150 levels deep'; Make = { $h = @{ templateId = 'x' }; $n = $h; foreach ($i in 1..150) { $n.k = @{}; $n = $n.k }; $h }; Why = 'nested more than 100 levels' }
        @{ Name = 'a lone UTF-16 surrogate in a value'; Make = { @{ templateId = "a$([char]0xD800)b" } }; Why = 'lone UTF-16 surrogate \(U\+D800' }
        @{ Name = 'a lone UTF-16 surrogate in a key'; Make = { @{ templateId = 'x'; "k$([char]0xDC00)" = 1 } }; Why = 'a key with a lone UTF-16 surrogate' }
    ) {
        $app = New-TestApplication
        $bad = & $Make
        $jobs = @(@{ templateId = 'before' }, $bad, @{ templateId = 'after' }) |
            New-MgApplicationSynchronizationJob -ApplicationId $app -ErrorVariable ev -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        @($jobs.TemplateId) | Should -Be @('before', 'after')  # the item after the bad one is created
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'BindingError,*'
        $ev[0].Exception.Message | Should -Match $Why
        $ev[0].Exception.Message | Should -Match 'BodyParameter'
        (Get-TestJobs $app).Count | Should -Be 2
    }

    It 'a lone surrogate in -TemplateId is refused, not sent as U+FFFD' {
        $app = New-TestApplication
        $out = New-MgApplicationSynchronizationJob -ApplicationId $app -TemplateId "a$([char]0xD800)b" -ErrorVariable ev -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'BindingError,*'
        $ev[0].Exception.Message | Should -Match 'TemplateId.*lone UTF-16 surrogate'
        (Get-TestJobs $app).Count | Should -Be 0
    }

    It 'an unknown InputObject key gets a warning, as unknown body keys do' {
        $job = New-MgApplicationSynchronizationJob -InputObject @{ ApplicationId = $Info.application_id; Bogus = 1 } -TemplateId 'warned' -WarningVariable w -WarningAction SilentlyContinue
        $job.TemplateId | Should -Be 'warned'
        "$w" | Should -Match "InputObject.Bogus: 'Bogus' is not a property of"
    }

    It 'a [double] in a body string property is sent as PowerShell writes it' {
        $null = New-MgApplicationSynchronizationJob -ApplicationId $Info.application_id -BodyParameter @{ templateId = 1e20 }
        Get-LastJobBody | Should -BeExactly '{"templateId":"1E+20"}'
    }
}

# Runspaces share the process's session: a Connect-MgGraph in one while another's create is
# in flight must let that create finish on the connection it started with.
Describe 'Connect-MgGraph during a create in another runspace' {
    It 'the create in flight finishes, with one job' {
        $app = New-TestApplication
        Set-EmulatorFaults @(@{ route = 'jobs.create'; kind = 'latency'; seconds = 3; count = 1 })
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($manifest, $appId)
                    Import-Module $manifest
                    New-MgApplicationSynchronizationJob -ApplicationId $appId -TemplateId 'in-flight'
                }).AddArgument($Manifest).AddArgument($app)
            $handle = $ps.BeginInvoke()
            Wait-TestPosts $app 1
            Connect-TestGraph  # replaces the process's connection meanwhile
            $result = @($ps.EndInvoke($handle))
            $ps.Streams.Error | ForEach-Object { $_.Exception.Message } | Should -BeNullOrEmpty
            $result.TemplateId | Should -Be 'in-flight'
            (Get-TestJobs $app).Count | Should -Be 1
        } finally {
            Clear-EmulatorFaults
            $ps.Dispose()
        }
        (New-MgApplicationSynchronizationJob -ApplicationId $app -TemplateId 'after-connect').TemplateId | Should -Be 'after-connect'
    }
}

Describe 'Secrets in the session''s environment (subprocess)' -Skip:(-not $IsLinux) -ForEach @(if ($Transport -eq 'subprocess') { @{} }) {
    It 'are not inherited by a helper started after they were set' {
        $names = 'AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PASSWORD', 'IDENTITY_HEADER', 'MSI_SECRET'
        $marker = "s3cret-$([guid]::NewGuid().ToString('N'))"
        foreach ($name in $names) { [System.Environment]::SetEnvironmentVariable($name, "$marker-$name") }
        try {
            $helper = & (Get-Module MgBridge) { (Get-BridgeSubprocessState).Helper.Id }
            Stop-Process -Id $helper -Force
            Wait-Process -Id $helper -ErrorAction SilentlyContinue
            $null = Get-MgContext -WarningAction SilentlyContinue  # starts a new helper now
            $new = & (Get-Module MgBridge) { (Get-BridgeSubprocessState).Helper.Id }
            $new | Should -Not -Be $helper
            [System.IO.File]::ReadAllText("/proc/$new/environ") | Should -Not -Match ([regex]::Escape($marker))
        } finally {
            foreach ($name in $names) { [System.Environment]::SetEnvironmentVariable($name, $null) }
        }
    }
}
