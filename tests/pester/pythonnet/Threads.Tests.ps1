#Requires -Version 7.2
# One embedded Python, many runspaces and threads: ForEach-Object -Parallel, Start-ThreadJob,
# a second runspace; and Ctrl+C (StopProcessing) during a slow in-process call.

BeforeAll {
    . (Join-Path $PSScriptRoot 'PythonNetTestHelpers.ps1')
    $script:State = Initialize-BridgePythonNet
    Add-TestSlowOp -State $script:State
    $script:Import = $script:ImportLine
}

Describe 'Calls from other runspaces and threads' {
    It 'ForEach-Object -Parallel: every runspace gets its own answers, from the same Python' {
        $import = $script:Import
        $results = 1..12 | ForEach-Object -ThrottleLimit 4 -Parallel {
            Invoke-Expression $using:import
            $json = '{"v":1,"id":' + $_ + ',"op":"echo","args":{"n":' + $_ + '}}'
            $answer = Invoke-BridgePythonNet -Json $json | ConvertFrom-Json
            [pscustomobject]@{
                N = $_; Id = $answer.id; Echo = $answer.result.args.n
                Start = [System.AppDomain]::CurrentDomain.GetData('MgBridge.PythonNet.State').Info.InitializeMs
                Thread = [System.Threading.Thread]::CurrentThread.ManagedThreadId
            }
        }
        $results.Count | Should -Be 12
        foreach ($r in $results) {
            $r.Id | Should -Be $r.N
            $r.Echo | Should -Be $r.N
        }
        # One initialization for the process, seen by every runspace.
        @($results.Start | Sort-Object -Unique) | Should -Be @($script:State.Info.InitializeMs)
        @($results.Thread | Sort-Object -Unique).Count | Should -BeGreaterThan 1
    }

    It 'ForEach-Object -Parallel: slow calls overlap (the GIL is free while a request waits)' {
        # Four requests wait on one barrier of four: it opens only if all run at once (serial
        # calls would each wait alone until the barrier's 60 s timeout breaks it).
        $import = $script:Import
        $name = New-TestId
        $answers = 1..4 | ForEach-Object -ThrottleLimit 4 -Parallel {
            Invoke-Expression $using:import
            Invoke-BridgePythonNet -Json ('{"v":1,"id":' + $_ + ',"op":"barrier","args":{"name":"' + $using:name + '","parties":4}}') | ConvertFrom-Json
        }
        @($answers | Where-Object ok).Count | Should -Be 4
    }

    It 'Start-ThreadJob: calls from a thread job' {
        Get-Command Start-ThreadJob -ErrorAction Stop | Should -Not -BeNullOrEmpty
        $job = Start-ThreadJob -ScriptBlock {
            param($import)
            Invoke-Expression $import
            1..20 | ForEach-Object {
                (Invoke-BridgePythonNet -Json ('{"v":1,"id":' + $_ + ',"op":"echo","args":{"n":' + $_ + '}}') | ConvertFrom-Json).result.args.n
            }
        } -ArgumentList $script:Import
        $values = $job | Receive-Job -Wait -AutoRemoveJob -ErrorAction Stop
        $values | Should -Be (1..20)
    }

    It 'a second runspace calls while this one calls too' {
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        $ps = [powershell]::Create()
        $ps.Runspace = $runspace
        try {
            $null = $ps.AddScript($script:Import + "`n" + @'
1..50 | ForEach-Object { (Invoke-BridgePythonNet -Json ('{"v":1,"id":' + $_ + ',"op":"echo","args":{"side":"other","n":' + $_ + '}}') | ConvertFrom-Json).result.args.n }
'@)
            $handle = $ps.BeginInvoke()
            $mine = 1..50 | ForEach-Object {
                (Invoke-BridgePythonNet -Json ('{"v":1,"id":' + $_ + ',"op":"echo","args":{"side":"mine","n":' + $_ + '}}') | ConvertFrom-Json).result.args.n
            }
            $theirs = $ps.EndInvoke($handle)
            $ps.Streams.Error | Should -BeNullOrEmpty
            $mine | Should -Be (1..50)
            @($theirs) | Should -Be (1..50)
        } finally {
            $ps.Dispose()
            $runspace.Dispose()
        }
    }

    It 'the first call of many runspaces at once initializes Python exactly once' {
        $result = Invoke-TestPwsh -Script @'
$import = $script:ImportLine
$starts = 1..6 | ForEach-Object -ThrottleLimit 6 -Parallel {
    Invoke-Expression $using:import
    $null = Invoke-BridgePythonNet -Json '{"v":1,"id":1,"op":"hello"}'
    [System.AppDomain]::CurrentDomain.GetData('MgBridge.PythonNet.State').Info.InitializeMs
}
$alcs = @([System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'MgBridge.PythonNet').Count
$runtimes = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Python.Runtime' }).Count
"RESULT $(@($starts | Sort-Object -Unique).Count) $($starts.Count) $alcs $runtimes"
'@.Replace('$script:ImportLine', "'" + $script:Import.Replace("'", "''") + "'")
        $result.Stdout | Should -Match 'RESULT 1 6 1 1'
        $result.ExitCode | Should -Be 0
    }
}

Describe 'Stopping a slow call (Ctrl+C / StopProcessing)' {
    It 'returns while the request still runs, and leaves nothing in flight' {
        $id = New-TestId
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript($script:Import + "`n" + @"
Invoke-BridgePythonNet -Json '{"v":1,"id":"$id","op":"sleep","args":{"seconds":60,"tag":"$id"}}'
"@)
            $handle = $ps.BeginInvoke()
            Wait-TestSleepStarted -Tag $id
            Test-TestRunning -State $script:State -Id $id | Should -BeTrue
            $ps.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            (Get-TestSleepState -Tag $id).Finished | Should -BeFalse  # Stop did not wait for it
            Test-TestRunning -State $script:State -Id $id | Should -BeFalse  # cancelled: dropped
        } finally {
            $ps.Dispose()
        }
        # Meanwhile this runspace keeps working.
        (Invoke-BridgePythonNet -Json '{"v":1,"id":22,"op":"hello"}' | ConvertFrom-Json).ok | Should -BeTrue
    }

    It 'a stop that lands while begin() runs still cancels the call (no leaked request)' {
        # begin() waits one slice for the answer; with a long slice the stop is requested while
        # the thread is inside begin(), so it takes effect as begin returns -- the window in
        # which the ticket used to be unknown to the finally block.
        $id = New-TestId
        Use-BridgePython -State $script:State { param($s) $s.Types.PythonEngine::Exec('import bridge.protocol._host as _h; _h.SLICE = 3.0') }
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript($script:Import + "`n" + @"
Invoke-BridgePythonNet -Json '{"v":1,"id":"$id","op":"sleep","args":{"seconds":60,"tag":"$id"}}'
"@)
            $handle = $ps.BeginInvoke()
            Wait-TestSleepStarted -Tag $id
            $ps.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            (Get-TestSleepState -Tag $id).Finished | Should -BeFalse
            Test-TestRunning -State $script:State -Id $id | Should -BeFalse
        } finally {
            Use-BridgePython -State $script:State { param($s) $s.Types.PythonEngine::Exec('import bridge.protocol._host as _h; _h.SLICE = 0.05') }
            $ps.Dispose()
        }
    }

    It 'a real SIGINT to pwsh stops the call promptly; the finally block runs and pwsh exits' -Skip:$IsWindows {
        $script = @'
"PID $PID"
try {
    Invoke-BridgePythonNet -Json '{"v":1,"id":1,"op":"hello"}' | Out-Null
    [Console]::Out.WriteLine('READY'); [Console]::Out.Flush()
    Invoke-BridgePythonNet -Json '{"v":1,"id":2,"op":"sleep","args":{"seconds":300}}'
    'NOT STOPPED'
} finally {
    [Console]::Out.WriteLine('FINALLY'); [Console]::Out.Flush()
}
'@
        # Started here directly (not Invoke-TestPwsh) to send the signal mid-call, through a
        # Python exec that restores SIGINT's default first: a runner started in the background
        # (bash '&') leaves SIGINT ignored, and pwsh would inherit that and never see the signal.
        $python = Join-Path $script:RepoRoot '.venv/bin/python'
        if (-not (Test-Path -LiteralPath $python)) { $python = (Get-Command python3 -CommandType Application).Source }
        $info = [System.Diagnostics.ProcessStartInfo]::new($python)
        foreach ($a in '-c', 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])') { $info.ArgumentList.Add($a) }
        $prelude = $script:Import + "`n" + @'
$s = Initialize-BridgePythonNet
Use-BridgePython -State $s { param($x) $x.Types.PythonEngine::Exec("import time, bridge.protocol._dispatch as d`nd.OPS['sleep'] = lambda a, c: (time.sleep(float(a['seconds'])), {})[1]") }
'@
        foreach ($a in $script:Pwsh, '-NoProfile', '-Command', "$prelude`n$script") { $info.ArgumentList.Add($a) }
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardInput = $true
        $info.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($info)
        try {
            $lines = [System.Collections.Generic.List[string]]::new()
            $childPid = $null
            while ($true) {
                $line = $process.StandardOutput.ReadLine()
                if ($null -eq $line) { break }
                $lines.Add($line)
                if ($line -match '^PID (\d+)') { $childPid = [int]$Matches[1] }
                if ($line -eq 'READY') { break }
            }
            $childPid | Should -Not -BeNullOrEmpty
            & kill -INT $childPid
            $rest = $process.StandardOutput.ReadToEndAsync()
            $process.WaitForExit(240000) | Should -BeTrue  # long before the 300 s call could end
            $rest.Result | Should -Match 'FINALLY'
            $rest.Result | Should -Not -Match 'NOT STOPPED'
        } finally {
            if (-not $process.HasExited) { $process.Kill($true) }
            $process.Dispose()
        }
    }
}
