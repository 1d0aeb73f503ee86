#Requires -Version 7.2
# The pythonnet transport's calls: the protocol's answers, events, errors, Python exceptions.

BeforeAll {
    . (Join-Path $PSScriptRoot 'PythonNetTestHelpers.ps1')
    $script:State = Initialize-BridgePythonNet
    Add-TestSlowOp -State $script:State
}

Describe 'Invoke-BridgePythonNet' {
    It 'answers hello with protocol version 1 from this very process' {
        $answer = Invoke-BridgePythonNet -Json '{"v":1,"id":7,"op":"hello"}' | ConvertFrom-Json
        $answer.ok | Should -BeTrue
        $answer.id | Should -Be 7
        $answer.result.protocol | Should -Be 1
        $answer.result.pid | Should -Be $PID
    }

    It 'returns a plain [string], never a Python object' {
        $answer = Invoke-BridgePythonNet -Json '{"v":1,"id":1,"op":"profile","args":{"action":"get"}}'
        $answer | Should -BeOfType [string]
        ($answer | ConvertFrom-Json).result.profile | Should -Be 'v1.0'
    }

    It 'gives the same response text as bridge.protocol.handle_json' {
        $message = '{"v":1,"id":"x-1","op":"request_context","args":{"action":"get"}}'
        $direct = Use-BridgePython -State $script:State {
            param($s)
            $module = $s.Py::Import('bridge.protocol')
            $fn = $module.GetAttr('handle_json')
            $arg = $s.PyString::new($message)
            $out = $fn.Invoke($arg)
            try { [string]$out.ToString() } finally { $out.Dispose(); $arg.Dispose(); $fn.Dispose(); $module.Dispose() }
        }
        Invoke-BridgePythonNet -Json $message | Should -BeExactly $direct
    }

    It 'answers text that is not JSON with a ProtocolError response' {
        $answer = Invoke-BridgePythonNet -Json 'this is { not json' | ConvertFrom-Json
        $answer.ok | Should -BeFalse
        $answer.error.errorId | Should -Be 'ProtocolError'
        $answer.error.message | Should -Not -Match 'this is'  # never echoes the text
    }

    It 'answers an unknown op with a ProtocolError naming the known ones' {
        $answer = Invoke-BridgePythonNet -Json '{"v":1,"id":3,"op":"nope"}' | ConvertFrom-Json
        $answer.id | Should -Be 3
        $answer.error.errorId | Should -Be 'ProtocolError'
        $answer.error.message | Should -Match 'hello'
    }

    It 'maps a core error through the protocol''s error table (BindingError)' {
        $answer = Invoke-BridgePythonNet -Json '{"v":1,"id":4,"op":"request_context","args":{"action":"set","maxRetry":-5}}' | ConvertFrom-Json
        $answer.ok | Should -BeFalse
        $answer.error.errorId | Should -Be 'BindingError'
        $answer.error.category | Should -Be 'InvalidArgument'
        $null = Invoke-BridgePythonNet -Json '{"v":1,"id":5,"op":"request_context","args":{"action":"reset"}}'
    }

    It 'turns a Python exception inside an op into an InternalError response, and delivers events first' {
        $events = [System.Collections.Generic.List[string]]::new()
        $answer = Invoke-BridgePythonNet -Json '{"v":1,"id":9,"op":"boom"}' -OnEvent { param($e) $events.Add($e) } | ConvertFrom-Json
        $answer.ok | Should -BeFalse
        $answer.id | Should -Be 9
        $answer.error.errorId | Should -Be 'InternalError'
        $answer.error.type | Should -Be 'ZeroDivisionError'
        $events.Count | Should -Be 1
        ($events[0] | ConvertFrom-Json).message | Should -Match 'TEST123'
        ($events[0] | ConvertFrom-Json).id | Should -Be 9
    }

    It 'turns a Python exception raised in the host itself into an InternalError response (host survives)' {
        # Swap the host's begin for int(): int('{...}') raises ValueError as a PythonException.
        $saved = $script:State.Host.begin
        try {
            $script:State.Host.begin = Use-BridgePython -State $script:State { param($s) $b = $s.Py::Import('builtins'); try { $b.GetAttr('int') } finally { $b.Dispose() } }
            $answer = Invoke-BridgePythonNet -Json '{"v":1,"id":11,"op":"hello"}' | ConvertFrom-Json
        } finally {
            $script:State.Host.begin = $saved
        }
        $answer.ok | Should -BeFalse
        $answer.id | Should -Be 11
        $answer.error.errorId | Should -Be 'InternalError'
        $answer.error.message | Should -Match 'invalid literal'
        (Invoke-BridgePythonNet -Json '{"v":1,"id":12,"op":"hello"}' | ConvertFrom-Json).ok | Should -BeTrue
    }

    It 'runs the request on a worker thread, not the caller''s' {
        $answer = Invoke-BridgePythonNet -Json '{"v":1,"id":13,"op":"echo","args":{"a":[1,2,{"b":null}]}}' | ConvertFrom-Json
        $answer.result.thread | Should -Match '^mgbridge-worker-'
        $answer.result.args.a[2].PSObject.Properties.Name | Should -Be 'b'
    }

    It 'keeps non-ASCII text and large messages intact' {
        $big = 'é✓' + ('x' * 200000)
        $message = @{ v = 1; id = 14; op = 'echo'; args = @{ text = $big } } | ConvertTo-Json -Compress
        $answer = Invoke-BridgePythonNet -Json $message | ConvertFrom-Json
        $answer.result.args.text | Should -BeExactly $big
    }

    It 'answers a cancel op for an id not in flight with cancelled = false' {
        $answer = Invoke-BridgePythonNet -Json '{"v":1,"id":15,"op":"cancel","args":{"target":999}}' | ConvertFrom-Json
        $answer.ok | Should -BeTrue
        $answer.result.cancelled | Should -BeFalse
    }

    It 'leaves nothing in flight after an answered call' {
        # About this call alone: requests other files stopped may still finish in the background.
        $id = New-TestId
        $answer = Invoke-BridgePythonNet -Json ('{"v":1,"id":"' + $id + '","op":"sleep","args":{"seconds":0.2}}') | ConvertFrom-Json
        $answer.ok | Should -BeTrue
        Test-TestRunning -State $script:State -Id $id | Should -BeFalse
    }
}

Describe 'Send-BridgePythonNetMessage' {
    It 'takes a message dictionary and returns the decoded response, with v and id set' {
        $response = Send-BridgePythonNetMessage -Message @{ op = 'profile'; args = @{ action = 'get' } }
        $response.ok | Should -BeTrue
        $response.v | Should -Be 1
        $response.id | Should -BeGreaterThan 0
        $response.result.profile | Should -Be 'v1.0'
    }
}

Describe 'Test-BridgePythonNet' {
    It 'says the transport is available, with details' {
        Test-BridgePythonNet | Should -BeTrue
        $detail = Test-BridgePythonNet -Detailed
        $detail.Available | Should -BeTrue
        $detail.Initialized | Should -BeTrue
        $detail.Info.LoadContext | Should -Be 'MgBridge.PythonNet'
        $detail.Info.ExitHookRemoved | Should -BeTrue
    }
}
