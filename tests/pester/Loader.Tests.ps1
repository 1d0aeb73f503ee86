# Loading and first-call checks, each in a fresh pwsh (the module's import and first call
# are what is under test):
#   versions:   a module and a core of different package versions meet -> one
#               VersionMismatch ErrorRecord naming both and the fix; the pipeline goes on.
#   transport:  'auto' never warns about pythonnet; an explicit 'pythonnet' request that
#               cannot be honoured warns.
#   cache:      an unusable cache folder (MGBRIDGE_CACHE under a regular file, or a file)
#               neither fails the import nor leaves a partial DLL; one warning names it.
#   JIT profile: .NET's startup profile is recorded once per process, only where it belongs.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    $script:Transport = Get-TestTransport
}
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    $script:Pwsh = Get-TestPwsh
    $script:Manifest = Join-Path (Get-TestRepository) 'psmodule/MgBridge.psd1'
    $script:Python = Get-TestPython
    $script:CoreVersion = (& $Python -c 'import bridge; print(bridge.__version__)')
    function Invoke-Child {
        # Run a script in a fresh pwsh with extra environment variables; all streams as text.
        param([string]$Script, [hashtable]$Environment = @{})
        $saved = @{}
        foreach ($name in $Environment.Keys) {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            [Environment]::SetEnvironmentVariable($name, $Environment[$name])
        }
        try {
            $out = & $Pwsh -NoProfile -NonInteractive -Command $Script *>&1
        } finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
        ($out | ForEach-Object { "$_" }) -join "`n"
    }
}

Describe 'Module and core versions' {
    BeforeAll {
        # A copy of the module that says it is 9.9.9, run against this checkout's core.
        $script:Copy = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-version-$PID/MgBridge"
        $null = New-Item -ItemType Directory -Force $Copy
        Copy-Item -Recurse -Force (Join-Path (Get-TestRepository) 'psmodule/*') $Copy
        $psd1 = Join-Path $Copy 'MgBridge.psd1'
        $text = [System.IO.File]::ReadAllText($psd1) -replace "ModuleVersion(\s*)=(\s*)'[^']*'", "ModuleVersion`$1=`$2'9.9.9'"
        [System.IO.File]::WriteAllText($psd1, $text)
    }
    AfterAll { Remove-Item -Recurse -Force (Split-Path $Copy -Parent) -ErrorAction SilentlyContinue }

    It 'that differ give one VersionMismatch ErrorRecord naming both versions and the fix, and the pipeline goes on' {
        $script = @"
Import-Module '$Copy/MgBridge.psd1'
'a', 'b' | ForEach-Object { New-MgApplicationSynchronizationJob -ApplicationId `$_ -TemplateId t -WhatIf -ErrorVariable +e -ErrorAction SilentlyContinue }
'after'

"@ + @'
"count=$($e.Count)"
"id=$($e[0].FullyQualifiedErrorId)"
"category=$($e[0].CategoryInfo.Category)"
"message=$($e[0].Exception.Message)"
'@
        $text = Invoke-Child $script @{ MGBRIDGE_PYTHON = $Python }
        $text | Should -Match 'after'
        $text | Should -Match 'count=2'   # one per call: every call is refused, none half-runs
        $text | Should -Match 'id=VersionMismatch,Microsoft\.Graph\.PowerShell\.Cmdlets\.NewMgApplicationSynchronizationJob_CreateExpanded'
        $text | Should -Match 'category=NotInstalled'
        $text | Should -Match ([regex]::Escape("The MgBridge module 9.9.9 met the Python core mgbridge $CoreVersion"))
        $text | Should -Match ([regex]::Escape("& '$Python' -m pip install mgbridge==9.9.9"))
        $text | Should -Not -Match 'What if:'
    }
    It 'that match let the call through' {
        $text = Invoke-Child "Import-Module '$Manifest'; New-MgApplicationSynchronizationJob -ApplicationId a -TemplateId t -WhatIf"
        $text | Should -Match 'What if: POST'
        $text | Should -Not -Match 'VersionMismatch'
    }
}

# Not per transport: each case sets the transport it is about.
Describe 'Transport fallback' -ForEach @(if ($Transport -eq 'subprocess') { @{} }) {
    It 'is quiet under auto: no warning, whatever pythonnet can do here' {
        $script = "Import-Module '$Manifest'; New-MgApplicationSynchronizationJob -ApplicationId a -TemplateId t -WhatIf 3>&1 | " +
            'ForEach-Object { if ($_ -is [System.Management.Automation.WarningRecord]) { "WARNING-SEEN: $_" } else { $_ } }'
        $quiet = Invoke-Child $script @{ MGBRIDGE_TRANSPORT = 'auto'; MGBRIDGE_PYTHONNET_DLL = '/nonexistent/Python.Runtime.dll' }
        $quiet | Should -Match 'What if: POST'
        $quiet | Should -Not -Match 'WARNING-SEEN|cannot run in this process'
    }
    It 'warns when pythonnet was asked for explicitly' {
        $script = "Import-Module '$Manifest'; New-MgApplicationSynchronizationJob -ApplicationId a -TemplateId t -WhatIf 3>&1 | ForEach-Object { if (`$_ -is [System.Management.Automation.WarningRecord]) { ""WARNING-SEEN: `$_"" } else { `$_ } }"
        $text = Invoke-Child $script @{ MGBRIDGE_TRANSPORT = 'pythonnet'; MGBRIDGE_PYTHONNET_DLL = '/nonexistent/Python.Runtime.dll' }
        $text | Should -Match 'WARNING-SEEN: MgBridge: the pythonnet transport cannot run in this process'
        $text | Should -Match 'What if: POST'
    }
}

Describe 'An unusable cache folder' -ForEach @(if ($Transport -eq 'subprocess') { @{} }) {
    BeforeAll {
        $script:Scratch = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-cache-$PID"
        $null = New-Item -ItemType Directory -Force $Scratch
        $script:File = Join-Path $Scratch 'a-file'
        [System.IO.File]::WriteAllText($File, 'not a folder')
    }
    AfterAll { Remove-Item -Recurse -Force $Scratch -ErrorAction SilentlyContinue }
    It 'as <name> does not fail the import: one warning names MGBRIDGE_CACHE, the module works, no partial DLL is left' -ForEach @(
        @{ name = 'a path under a regular file'; Sub = 'cache' }
        @{ name = 'a regular file'; Sub = '' }
    ) {
        $cache = if ($Sub) { Join-Path $File $Sub } else { $File }
        $script = "Import-Module '$Manifest' 3>&1 | ForEach-Object { ""WARNING-SEEN: `$_"" }; New-MgApplicationSynchronizationJob -ApplicationId a -TemplateId t -WhatIf; 'exit=ok'"
        $text = Invoke-Child $script @{ MGBRIDGE_CACHE = $cache }
        $text | Should -Match 'exit=ok'
        $text | Should -Match 'What if: POST'
        @([regex]::Matches($text, 'WARNING-SEEN:')).Count | Should -Be 1
        $text | Should -Match ([regex]::Escape("WARNING-SEEN: MgBridge: the cache folder '$cache' (`$env:MGBRIDGE_CACHE) cannot be used"))
        $text | Should -Not -Match 'Exception calling|MethodInvocationException'
        @(Get-ChildItem -Recurse -File $Scratch | Where-Object Name -Like '*.tmp*') | Should -BeNullOrEmpty
        [System.IO.File]::ReadAllText($File) | Should -Be 'not a folder'
    }
}

# .NET's startup profile (psmodule/custom/JitProfile.cs): recorded from the import on, in
# pwsh's own profile folder ($XDG_CACHE_HOME/powershell), once per process, only in pwsh's
# non-interactive console, never with MGBRIDGE_JIT_PROFILE=0.
Describe 'The JIT profile' -ForEach @(if ($Transport -eq 'subprocess') { @{} }) {
    BeforeAll {
        $script:Scratch = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-jit-$PID"
        # The module's own cache stays where it is (its DLL compiled once), whatever XDG_CACHE_HOME
        # says: the folder the module itself chooses here (Get-BridgeCacheDirectory, MgBridge.psm1).
        $script:ModuleCache = (Invoke-Child "& (Import-Module '$Manifest' -PassThru) { Get-BridgeCacheDirectory }").Trim()
        function Invoke-Profiled {
            # A fresh pwsh whose profile folder is a new one; returns the child's text and the files there.
            param([string]$Script, [hashtable]$Environment = @{})
            $cache = Join-Path $Scratch ([guid]::NewGuid().ToString('n'))
            $null = New-Item -ItemType Directory -Force $cache
            $text = Invoke-Child $Script (@{ XDG_CACHE_HOME = $cache; MGBRIDGE_CACHE = $ModuleCache } + $Environment)
            $folder = Join-Path $cache 'powershell'
            $files = if (Test-Path $folder) { @(Get-ChildItem -File $folder | ForEach-Object Name) } else { @() }
            # The module's profile: StartupProfileData-MgBridge-<its DLL's version>.
            $profiles = @($files | Where-Object { $_ -like 'StartupProfileData-MgBridge-*' })
            [pscustomobject]@{ Text = $text; Files = $files; Profiles = $profiles; Folder = $folder }
        }
    }
    AfterAll { Remove-Item -Recurse -Force $Scratch -ErrorAction SilentlyContinue }

    It 'is recorded from the import on, beside pwsh''s own, and the module works' {
        $run = Invoke-Profiled "Import-Module '$Manifest'; New-MgApplicationSynchronizationJob -ApplicationId a -TemplateId t -WhatIf; 'exit=ok'"
        $run.Text | Should -Match 'What if: POST'
        $run.Text | Should -Match 'exit=ok'
        $run.Files | Should -Contain 'StartupProfileData-NonInteractive'
        $run.Profiles | Should -HaveCount 1
        $run.Profiles[0] | Should -Match '^StartupProfileData-MgBridge-\d+\.\d+\.\d+\.\d+$'
        (Get-Item (Join-Path $run.Folder $run.Profiles[0])).Length | Should -BeGreaterThan 0
    }

    It 'is started once per process: a second import, and a runspace''s, do not start it again' {
        $script = "Import-Module '$Manifest'; Import-Module '$Manifest' -Force; " +
            "`$ps = [powershell]::Create(); `$null = `$ps.AddScript(""Import-Module '$Manifest'; [MgBridge.JitProfile]::Start()""); " +
            "'runspace=' + (`$ps.Invoke() -join ','); 'again=' + [MgBridge.JitProfile]::Start()"
        $run = Invoke-Profiled $script
        $run.Text | Should -Match 'runspace=False'
        $run.Text | Should -Match 'again=False'
        $run.Profiles | Should -HaveCount 1
    }

    It 'is not recorded with MGBRIDGE_JIT_PROFILE=0' {
        $run = Invoke-Profiled "Import-Module '$Manifest'; 'exit=ok'" @{ MGBRIDGE_JIT_PROFILE = '0' }
        $run.Text | Should -Match 'exit=ok'
        $run.Files | Should -Contain 'StartupProfileData-NonInteractive'
        $run.Profiles | Should -BeNullOrEmpty
    }

    It 'is left to pwsh in an interactive console (PSReadLine loaded)' {
        $run = Invoke-Profiled "Import-Module PSReadLine; Import-Module '$Manifest'; 'exit=ok'"
        $run.Text | Should -Match 'exit=ok'
        $run.Profiles | Should -BeNullOrEmpty
    }
}

# The helper Import-Module starts in the background (cold start, docs/performance.md) is
# taken over by the first call only while it runs what that call would start.
Describe 'The helper started at import' -ForEach @(if ($Transport -eq 'subprocess') { @{} }) {
    BeforeAll {
        $script:Report = @'
$state = & (Get-Module MgBridge) { Get-BridgeSubprocessState }
$null = New-MgApplicationSynchronizationJob -ApplicationId a -TemplateId t -WhatIf
"early-exited=$(if ($early) { $early.HasExited } else { 'none' })"
"serving=$($state.Info.Pid) source=$($state.Info.Source) python=$($state.Info.Python)"
"helpers=$(@((ps -o args= --ppid $PID) -match 'bridge[.]protocol').Count)"
'@
        $script:EarlyPid = '$early = & (Get-Module MgBridge) { (Get-BridgeSubprocessState)["Early"].Helper }; "early=$($early.Id)"'
    }

    It 'serves the first call: one helper, the one started at import' {
        $text = Invoke-Child "Import-Module '$Manifest'; $EarlyPid; $Report" @{ MGBRIDGE_PYTHON = $Python; MGBRIDGE_TRANSPORT = $null }
        $text -match 'early=(\d+)' | Should -BeTrue -Because $text
        $early = $Matches[1]
        $text | Should -Match "serving=$early source=\`$env:MGBRIDGE_PYTHON python=$([regex]::Escape($Python))"
        $text | Should -Match 'early-exited=False'
        $text | Should -Match 'helpers=1'
    }
    It 'says so with -Verbose, as the search''s start does (pid, interpreter, where it came from, Python, protocol), after the transport' {
        $script = "Import-Module '$Manifest'; $EarlyPid; " +
            'New-MgApplicationSynchronizationJob -ApplicationId a -TemplateId t -WhatIf -Verbose 4>&1 | ForEach-Object { "VERBOSE-SEEN: $_" }'
        $text = Invoke-Child $script @{ MGBRIDGE_PYTHON = $Python; MGBRIDGE_TRANSPORT = $null }
        $text -match 'early=(\d+)' | Should -BeTrue -Because $text
        $text | Should -Match ('VERBOSE-SEEN: MgBridge: started the Python helper \(pid ' + $Matches[1] + ', ' +
            [regex]::Escape($Python) + ' from \$env:MGBRIDGE_PYTHON, Python 3\.\d+\.\d+, protocol 1\)')
        $text | Should -Match "VERBOSE-SEEN: MgBridge: transport subprocess \(setting 'auto'\)"
    }
    It 'is ended when the settings changed before the first call, which runs the new interpreter' {
        $other = '/usr/bin/python3'
        $script = "Import-Module '$Manifest'; $EarlyPid; `$env:MGBRIDGE_PYTHON = '$other'; $Report"
        $text = Invoke-Child $script @{ MGBRIDGE_PYTHON = $Python; MGBRIDGE_TRANSPORT = $null }
        $text -match 'early=(\d+)' | Should -BeTrue -Because $text
        $early = $Matches[1]
        $text -match "serving=(\d+) source=\`$env:MGBRIDGE_PYTHON python=$([regex]::Escape($other))" | Should -BeTrue -Because $text
        $Matches[1] | Should -Not -Be $early
        $text | Should -Match 'early-exited=True'
        $text | Should -Match 'helpers=1'
    }
    It 'that cannot start leaves the first call to the full search, which finds the next interpreter' {
        $broken = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-broken-python-$PID"
        [System.IO.File]::WriteAllText($broken, "#!/bin/sh`necho 'not a python' >&2`nexit 3`n")
        try {
            & chmod +x $broken
            $text = Invoke-Child "Import-Module '$Manifest'; $EarlyPid; $Report" @{ MGBRIDGE_PYTHON = $broken; MGBRIDGE_TRANSPORT = $null; VIRTUAL_ENV = $null }
            $text | Should -Match "source=the checkout's \.venv"
            $text | Should -Match 'early-exited=True'
            $text | Should -Match 'helpers=1'
        } finally {
            Remove-Item -Force $broken -ErrorAction SilentlyContinue
        }
    }
}
