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
        $import = $script:Import
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $answers = 1..4 | ForEach-Object -ThrottleLimit 4 -Parallel {
            Invoke-Expression $using:import
            Invoke-BridgePythonNet -Json ('{"v":1,"id":' + $_ + ',"op":"sleep","args":{"seconds":1}}') | ConvertFrom-Json
        }
        $clock.Stop()
        @($answers | Where-Object ok).Count | Should -Be 4
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 2.5  # serial would be 4 s or more
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
    It 'returns within a fraction of a second and drops the late answer' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript($script:Import + "`n" + @'
Invoke-BridgePythonNet -Json '{"v":1,"id":21,"op":"sleep","args":{"seconds":2}}'
'@)
            $handle = $ps.BeginInvoke()
            Start-Sleep -Milliseconds 400
            Get-TestInflight -State $script:State | Should -Be 1
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $clock.Stop()
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 0.5
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        } finally {
            $ps.Dispose()
        }
        # Meanwhile this runspace keeps working.
        (Invoke-BridgePythonNet -Json '{"v":1,"id":22,"op":"hello"}' | ConvertFrom-Json).ok | Should -BeTrue
        # The abandoned request finishes in the background and leaves nothing behind.
        $deadline = [datetime]::UtcNow.AddSeconds(5)
        while ((Get-TestInflight -State $script:State) -ne 0 -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        Get-TestInflight -State $script:State | Should -Be 0
    }

    It 'a real SIGINT to pwsh stops the call promptly; the finally block runs and pwsh exits' -Skip:$IsWindows {
        $script = @'
"PID $PID"
try {
    Invoke-BridgePythonNet -Json '{"v":1,"id":1,"op":"hello"}' | Out-Null
    [Console]::Out.WriteLine('READY'); [Console]::Out.Flush()
    Invoke-BridgePythonNet -Json '{"v":1,"id":2,"op":"sleep","args":{"seconds":30}}'
    'NOT STOPPED'
} finally {
    [Console]::Out.WriteLine('FINALLY'); [Console]::Out.Flush()
}
'@
        # Started here directly (not Invoke-TestPwsh) to send the signal mid-call.
        $info = [System.Diagnostics.ProcessStartInfo]::new($script:Pwsh)
        $prelude = $script:Import + "`n" + @'
$s = Initialize-BridgePythonNet
Use-BridgePython -State $s { param($x) $x.Types.PythonEngine::Exec("import time, bridge.protocol._dispatch as d`nd.OPS['sleep'] = lambda a, c: (time.sleep(float(a['seconds'])), {})[1]") }
'@
        foreach ($a in '-NoProfile', '-Command', "$prelude`n$script") { $info.ArgumentList.Add($a) }
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
            Start-Sleep -Milliseconds 500
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            & kill -INT $childPid
            $rest = $process.StandardOutput.ReadToEndAsync()
            $exited = $process.WaitForExit(10000)
            $clock.Stop()
            $exited | Should -BeTrue
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 3
            $rest.Result | Should -Match 'FINALLY'
            $rest.Result | Should -Not -Match 'NOT STOPPED'
        } finally {
            if (-not $process.HasExited) { $process.Kill($true) }
            $process.Dispose()
        }
    }
}
