# The transports' own behaviour, each variant defined only on the transport it belongs to
# (an empty -ForEach creates no test, so nothing is reported as skipped)
# (Get-TestTransport: $env:MGBRIDGE_TRANSPORT as Run-Pester sets it):
#   subprocess: restart after the helper dies; secrets never in the helper's argv/environ.
#   pythonnet:  a Python exception in the core becomes the ErrorRecord of the error
#               table and the embedded Python keeps serving (there is no helper to kill);
#               secrets never in the embedded interpreter's sys.argv/os.environ.
#   both:       Ctrl+C during a slow request returns promptly; no secret in -Debug/-Verbose.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    $script:Transport = Get-TestTransport
}
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Connect-TestGraph
    $script:Info = Get-TestEmulator
    $script:AppId = $Info.application_id
    function Get-HelperPid { & (Get-Module MgBridge) { (Get-BridgeSubprocessState).Helper.Id } }
    function Wait-TestPost([string]$TemplateId) {
        # A handshake: until the emulator has received the create with this templateId.
        $deadline = [datetime]::UtcNow.AddSeconds(120)  # only a hang ends here
        while (-not @(Get-EmulatorRequests -Route 'jobs.create' | Where-Object { $_.body.templateId -eq $TemplateId }).Count) {
            if ([datetime]::UtcNow -gt $deadline) { throw "the create '$TemplateId' never reached the emulator" }
            Start-Sleep -Milliseconds 20
        }
    }
    function Test-TestPostAnswered([string]$TemplateId) {
        $post = Get-EmulatorRequests -Route 'jobs.create' | Where-Object { $_.body.templateId -eq $TemplateId } | Select-Object -Last 1
        $null -ne $post.status
    }
}

# Only the subprocess transport has a helper process that can die.
Describe 'Helper process lifetime (subprocess)' -Tag 'subprocess' -ForEach @(if ($Transport -eq 'subprocess') { @{} }) {
    It 'restarts a helper killed between calls and restores the session (connection, environments)' {
        $old = Get-HelperPid
        Stop-Process -Id $old -Force
        Wait-Process -Id $old -ErrorAction SilentlyContinue
        $job = New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'after-kill' -WarningVariable w -WarningAction SilentlyContinue
        $job.TemplateId | Should -Be 'after-kill'
        "$w" | Should -Match 'had exited.*started a new one'
        Get-HelperPid | Should -Not -Be $old
        (Get-MgContext).Environment | Should -Be 'Emu'
    }
    BeforeAll {
        function Invoke-TestCreateKillingHelper([string]$Tag) {
            # A create the helper is killed during: once the emulator holds it (a handshake, not
            # a delay). Returns the create's errors; the create never got Graph's answer.
            Set-EmulatorFaults @(@{ route = 'jobs.create'; kind = 'latency'; seconds = 30; count = 1 })
            $killer = [powershell]::Create()
            try {
                $victim = Get-HelperPid
                $null = $killer.AddScript({
                        param($admin, $tag, $victim)
                        $deadline = [datetime]::UtcNow.AddSeconds(120)
                        while ([datetime]::UtcNow -lt $deadline) {
                            $log = @(Invoke-RestMethod -Uri "$admin/requests" -SkipCertificateCheck | ForEach-Object { $_ })
                            if (@($log | Where-Object { $_.route -eq 'jobs.create' -and $_.body.templateId -eq $tag }).Count) { break }
                            Start-Sleep -Milliseconds 20
                        }
                        Stop-Process -Id $victim -Force
                    }).AddArgument($Info.admin_url).AddArgument($Tag).AddArgument($victim)
                $handle = $killer.BeginInvoke()
                New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId $Tag -ErrorVariable ev -ErrorAction SilentlyContinue
                $killer.EndInvoke($handle)
                , $ev
            } finally {
                Clear-EmulatorFaults
                $killer.Dispose()
            }
        }
    }
    It 'reports a helper killed during a call with a clear error, then recovers' {
        $tag = "killed-$([guid]::NewGuid().ToString('N'))"
        $ev = Invoke-TestCreateKillingHelper $tag
        Test-TestPostAnswered $tag | Should -BeFalse  # the call ended before Graph answered
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'HelperExited,*'
        $ev[0].Exception.Message | Should -Match 'exited unexpectedly.*next call starts a new helper'
        (New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'recovered' -WarningAction SilentlyContinue).TemplateId | Should -Be 'recovered'
    }
    It 'after a helper died in a call, a runspace''s import starts the next one, whose first call restores the session' {
        $ev = Invoke-TestCreateKillingHelper "killed-$([guid]::NewGuid().ToString('N'))"
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'HelperExited,*'
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($manifest, $appId)
                    Import-Module $manifest
                    $early = & (Get-Module MgBridge) { (Get-BridgeSubprocessState)['Early'] }
                    $job = New-MgApplicationSynchronizationJob -ApplicationId $appId -TemplateId 'restored-by-import'
                    [pscustomobject]@{
                        Early = if ($early -and $early.Helper) { $early.Helper.Id }
                        Serving = & (Get-Module MgBridge) { (Get-BridgeSubprocessState).Info.Pid }
                        TemplateId = $job.TemplateId; Environment = (Get-MgContext).Environment
                    }
                }).AddArgument((Join-Path (Get-TestRepository) 'psmodule/MgBridge.psd1')).AddArgument($AppId)
            $result = $ps.Invoke()
            @($ps.Streams.Error) | Should -BeNullOrEmpty
            $result.Early | Should -Not -BeNullOrEmpty  # the import started a helper in the background
            $result.Serving | Should -Be $result.Early  # ... which the first call took over
            $result.TemplateId | Should -Be 'restored-by-import'  # signed in again: the journal was replayed
            $result.Environment | Should -Be 'Emu'
        } finally {
            $ps.Dispose()
        }
    }
}

# In-process there is nothing to kill; the equivalent failure is a Python exception.
Describe 'A Python exception in the core (pythonnet)' -Tag 'pythonnet' -ForEach @(if ($Transport -eq 'pythonnet') { @{} }) {
    It 'becomes the error table''s ErrorRecord (InternalError, NotSpecified), and the core keeps serving' {
        Set-TestCoreFault -Message 'injected failure'
        try {
            $out = New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'boom' -ErrorVariable ev -ErrorAction SilentlyContinue
        } finally { Set-TestCoreFault -Clear }
        $out | Should -BeNullOrEmpty
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -Be 'InternalError,Microsoft.Graph.PowerShell.Cmdlets.NewMgApplicationSynchronizationJob_CreateExpanded'
        $ev[0].CategoryInfo.Category | Should -Be 'NotSpecified'
        $ev[0].Exception.Message | Should -Match 'injected failure'
        $ev[0].Exception.ErrorType | Should -Be 'RuntimeError'
        (New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'after-boom').TemplateId | Should -Be 'after-boom'
        (Get-MgContext).Environment | Should -Be 'Emu'
    }
}

Describe 'Ctrl+C / StopProcessing' {
    It 'returns promptly from a slow request and the transport keeps serving' {
        # The runspace's first create takes the first fault (none to speak of), so the slow one is
        # a warm create: the one-call path (CreateCall) on either transport.
        Set-EmulatorFaults @(@{ route = 'jobs.create'; kind = 'latency'; seconds = 0.001; count = 1 },
            @{ route = 'jobs.create'; kind = 'latency'; seconds = 30; count = 1 })
        $tag = "slow-$([guid]::NewGuid().ToString('N'))"
        $ps = [powershell]::Create()
        try {
            # A second runspace imports its own module instance, which shares this process's
            # helper (subprocess) or embedded Python (pythonnet).
            $manifest = Join-Path (Get-TestRepository) 'psmodule/MgBridge.psd1'
            $null = $ps.AddScript({
                    param($manifest, $info, $tag)
                    Import-Module $manifest
                    $null = Add-MgEnvironment -Name Emu -AzureADEndpoint $info.login_url -GraphEndpoint $info.graph_url -CaFile $info.ca_file
                    $cred = [pscredential]::new($info.client_id, (ConvertTo-SecureString $info.client_secret -AsPlainText -Force))
                    Connect-MgGraph -Environment Emu -ClientSecretCredential $cred -TenantId $info.tenant_id -NoWelcome
                    $null = New-MgApplicationSynchronizationJob -ApplicationId $info.application_id -TemplateId 'warm-up'
                    [Console]::Out.Flush()
                    'ready'
                    New-MgApplicationSynchronizationJob -ApplicationId $info.application_id -TemplateId $tag
                }).AddArgument($manifest).AddArgument($Info).AddArgument($tag)
            $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $handle = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
            $deadline = [datetime]::UtcNow.AddSeconds(30)
            while ($output.Count -lt 1 -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $output[0] | Should -Be 'ready'
            Wait-TestPost $tag  # the create now waits on the 30 s latency
            $ps.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            Test-TestPostAnswered $tag | Should -BeFalse  # Stop returned without waiting for Graph
            # The same runspace (the same helper, or the same embedded Python) still works afterwards.
            $ps.Commands.Clear()
            $null = $ps.AddScript({ param($info) (New-MgApplicationSynchronizationJob -ApplicationId $info.application_id -TemplateId 'after-stop').TemplateId }).AddArgument($Info)
            Clear-EmulatorFaults
            $ps.Invoke() | Should -Be 'after-stop'
        } finally {
            Clear-EmulatorFaults
            $ps.Dispose()
        }
    }
}

Describe 'Secrets' -Skip:(-not $IsLinux) {
    It 'never appear in the helper''s arguments or environment (subprocess)' -Tag 'subprocess' -ForEach @(if ($Transport -eq 'subprocess') { @{} }) {
        $null = Get-MgContext  # make sure a helper is running
        $helper = Get-HelperPid
        $cmdline = [System.IO.File]::ReadAllText("/proc/$helper/cmdline")
        $environ = [System.IO.File]::ReadAllText("/proc/$helper/environ")
        $cmdline | Should -Not -Match ([regex]::Escape($Info.client_secret))
        $environ | Should -Not -Match ([regex]::Escape($Info.client_secret))
        ($cmdline -split "`0" | Where-Object { $_ }) | Select-Object -Skip 1 | Should -Be @('-m', 'bridge.protocol')
    }
    It 'never appear in the embedded interpreter''s sys.argv or os.environ (pythonnet)' -Tag 'pythonnet' -ForEach @(if ($Transport -eq 'pythonnet') { @{} }) {
        $null = Get-MgContext  # make sure Python runs
        $seen = Invoke-TestEmbeddedPython "repr(__import__('sys').argv) + repr(dict(__import__('os').environ))"
        $seen | Should -Not -BeNullOrEmpty
        $seen | Should -Not -Match ([regex]::Escape($Info.client_secret))
    }
    It 'never appear in -Debug or -Verbose output of Connect-MgGraph' {
        $cred = [pscredential]::new($Info.client_id, (ConvertTo-SecureString $Info.client_secret -AsPlainText -Force))
        $all = Connect-MgGraph -Environment Emu -ClientSecretCredential $cred -TenantId $Info.tenant_id -NoWelcome -Debug -Verbose *>&1 | Out-String
        $all | Should -Not -Match ([regex]::Escape($Info.client_secret))
    }
}

Describe 'The first call of a session' {
    It 'may be a -WhatIf call: the transport still loads, and nothing else is affected by -WhatIf' {
        # A fresh pwsh, so the transport (and for pythonnet, its functions) load on this call.
        $module = Join-Path $PSScriptRoot '../../psmodule/MgBridge.psd1'
        $out = & (Get-TestPwsh) -NoProfile -NonInteractive -Command (
            "Import-Module '$module'; New-MgApplicationSynchronizationJob -ApplicationId a -TemplateId scim -WhatIf") 2>&1
        $text = $out -join "`n"
        $LASTEXITCODE | Should -Be 0
        $text | Should -Match 'What if: POST https://graph\.microsoft\.com/v1\.0/applications/a/synchronization/jobs'
        $text | Should -Match ([regex]::Escape('{"templateId":"scim"}'))
        $text | Should -Not -Match 'Set Item|not recognized'
    }
}
