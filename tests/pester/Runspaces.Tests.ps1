# One Graph session per pwsh process, as with Microsoft's SDK: a Connect-MgGraph in this
# runspace is used by ForEach-Object -Parallel, Start-ThreadJob and other runspaces, which
# import their own module instance but share the process's helper (subprocess) or embedded
# Python (pythonnet). Same expectations on both transports, except where a test says which.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    $script:Transport = Get-TestTransport
}
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Connect-TestGraph
    $script:Info = Get-TestEmulator
    $script:AppId = $Info.application_id
    $script:Manifest = Join-Path (Get-TestRepository) 'psmodule/MgBridge.psd1'
    function Get-HelperPid { & (Get-Module MgBridge) { (Get-BridgeSubprocessState).Helper.Id } }
    function Get-CreateCount { [int](Get-EmulatorCounters).routes.'jobs.create' }
}

Describe 'The Graph session is process-wide' {
    It 'ForEach-Object -Parallel: three runspaces create jobs concurrently without connecting again' {
        $null = Get-MgContext  # the transport is up (for subprocess: the helper runs)
        $before = Get-CreateCount
        $results = 1..3 | ForEach-Object -ThrottleLimit 3 -Parallel {
            $ErrorActionPreference = 'Stop'
            Import-Module $using:Manifest
            $runspace = $_
            foreach ($call in 1..4) {
                $job = New-MgApplicationSynchronizationJob -ApplicationId $using:AppId -TemplateId "par-$runspace-$call"
                [pscustomobject]@{
                    TemplateId = $job.TemplateId
                    Helper     = & (Get-Module MgBridge) { $s = [System.AppDomain]::CurrentDomain.GetData('MgBridge.Subprocess.State'); if ($s -and $s.Helper) { $s.Helper.Id } }
                    Context    = (Get-MgContext).Environment
                }
            }
        }
        $results.Count | Should -Be 12
        @($results.TemplateId | Sort-Object) | Should -Be @(foreach ($r in 1..3) { foreach ($c in 1..4) { "par-$r-$c" } })
        @($results.Context | Sort-Object -Unique) | Should -Be @('Emu')
        (Get-CreateCount) - $before | Should -Be 12
        if ($Transport -eq 'subprocess') {
            @($results.Helper | Sort-Object -Unique) | Should -Be @(Get-HelperPid)
        }
    }

    It 'ForEach-Object -Parallel -ThrottleLimit 8: 40 overlapping creates, each caller gets its own job, exactly 40 stored' {
        # Every create is held 200 ms by the emulator, so eight are in flight at once; each
        # answer must reach the call that asked (the helper's lines are routed by request id).
        Set-EmulatorFaults @(@{ route = 'jobs.create'; kind = 'latency'; seconds = 0.2; count = 40 })
        try {
            $before = Get-CreateCount
            $results = 1..40 | ForEach-Object -ThrottleLimit 8 -Parallel {
                Import-Module $using:Manifest
                [pscustomobject]@{ Asked = "overlap-$_"; Got = (New-MgApplicationSynchronizationJob -ApplicationId $using:AppId -TemplateId "overlap-$_").TemplateId }
            }
            @($results).Count | Should -Be 40
            @($results | Where-Object { $_.Asked -ne $_.Got }).Count | Should -Be 0
            @($results.Got | Sort-Object -Unique).Count | Should -Be 40
            (Get-CreateCount) - $before | Should -Be 40
        } finally {
            Clear-EmulatorFaults
        }
    }

    It 'Start-ThreadJob: a thread job creates jobs without connecting again' {
        $before = Get-CreateCount
        $job = Start-ThreadJob -ScriptBlock {
            param($manifest, $appId)
            $ErrorActionPreference = 'Stop'
            Import-Module $manifest
            foreach ($call in 1..3) { (New-MgApplicationSynchronizationJob -ApplicationId $appId -TemplateId "thread-$call").TemplateId }
        } -ArgumentList $Manifest, $AppId
        # Calls from this runspace meanwhile share the transport with the thread job.
        $mine = foreach ($call in 1..3) { (New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId "main-$call").TemplateId }
        $theirs = $job | Receive-Job -Wait -AutoRemoveJob -ErrorAction Stop
        $theirs | Should -Be @('thread-1', 'thread-2', 'thread-3')
        $mine | Should -Be @('main-1', 'main-2', 'main-3')
        (Get-CreateCount) - $before | Should -Be 6
    }

    It 'Remove-Module in a second runspace leaves this one working' {
        $pidBefore = if ($Transport -eq 'subprocess') { Get-HelperPid }
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($manifest, $appId)
                    $ErrorActionPreference = 'Stop'
                    Import-Module $manifest
                    (New-MgApplicationSynchronizationJob -ApplicationId $appId -TemplateId 'second-runspace').TemplateId
                    Remove-Module MgBridge
                }).AddArgument($Manifest).AddArgument($AppId)
            $ps.Invoke() | Should -Be 'second-runspace'
            $ps.Streams.Error.Count | Should -Be 0
        } finally { $ps.Dispose() }
        (New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'after-remove').TemplateId | Should -Be 'after-remove'
        (Get-MgContext).Environment | Should -Be 'Emu'
        if ($Transport -eq 'subprocess') { Get-HelperPid | Should -Be $pidBefore }
    }
}

# Only the subprocess transport has a helper shared by runspaces: one that died is replaced
# and restored from the process-wide journal, whichever runspace notices; calls through it
# are serialized, and a runspace waiting its turn still stops promptly.
Describe 'The shared helper (subprocess)' -Tag 'subprocess' -ForEach @(if ($Transport -eq 'subprocess') { @{} }) {
    It 'a parallel runspace restarts a killed helper and finds the connection restored' {
        $old = Get-HelperPid
        Stop-Process -Id $old -Force
        Wait-Process -Id $old -ErrorAction SilentlyContinue
        $results = 1..2 | ForEach-Object -ThrottleLimit 2 -Parallel {
            Import-Module $using:Manifest
            (New-MgApplicationSynchronizationJob -ApplicationId $using:AppId -TemplateId "restarted-$_" -WarningAction SilentlyContinue).TemplateId
        }
        @($results | Sort-Object) | Should -Be @('restarted-1', 'restarted-2')
        $new = Get-HelperPid
        $new | Should -Not -Be $old
        (Get-MgContext).Environment | Should -Be 'Emu'
        (New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'main-after-restart').TemplateId | Should -Be 'main-after-restart'
        Get-HelperPid | Should -Be $new
    }

    It 'a call is not held up by another runspace''s slow call (calls overlap on the shared helper)' {
        # A's create is held 20 s by the emulator; B's create, sent while A's is in flight,
        # comes back before A's does: calls are multiplexed by request id, not serialized.
        # (The emulator has no fault released by a handshake; 20 s is ~1000x a warm call even
        # on a loaded machine, so only serialization, not load, can make B wait for A.)
        Set-EmulatorFaults @(@{ route = 'jobs.create'; kind = 'latency'; seconds = 20; count = 1 })
        $before = Get-CreateCount
        $a = [powershell]::Create()
        try {
            $null = $a.AddScript({
                    param($manifest, $appId)
                    Import-Module $manifest
                    (New-MgApplicationSynchronizationJob -ApplicationId $appId -TemplateId 'slow-a').TemplateId
                }).AddArgument($Manifest).AddArgument($AppId)
            $handleA = $a.BeginInvoke()
            # A handshake, not a sleep: the emulator counts A's create when it arrives.
            while ((Get-CreateCount) -eq $before -and -not $handleA.IsCompleted) { Start-Sleep -Milliseconds 20 }
            (New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'fast-b').TemplateId | Should -Be 'fast-b'
            $handleA.IsCompleted | Should -BeFalse
            $a.EndInvoke($handleA) | Should -Be 'slow-a'
            (Get-CreateCount) - $before | Should -Be 2
        } finally {
            Clear-EmulatorFaults
            $a.Dispose()
        }
        (New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'after-overlap').TemplateId | Should -Be 'after-overlap'
    }
}
