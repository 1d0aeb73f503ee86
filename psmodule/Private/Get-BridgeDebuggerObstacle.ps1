function Get-BridgeDebuggerObstacle {
    <#
    .SYNOPSIS
        Why no debugger can attach to this process (for -Break), or $null when one can.
    #>
    $arguments = [System.Environment]::GetCommandLineArgs()
    if ($arguments | Where-Object { $_ -match '^-(noni|noninteractive)' }) { return 'pwsh runs with -NonInteractive' }
    if (-not [System.Environment]::UserInteractive) { return 'the session is not interactive' }
    if ([Console]::IsInputRedirected) { return 'the session''s input is redirected, so nobody can answer' }
    if ($env:CI) { return 'this is a CI run ($env:CI is set)' }
    $scope = '/proc/sys/kernel/yama/ptrace_scope'
    if ($IsLinux -and [System.IO.File]::Exists($scope) -and ([System.IO.File]::ReadAllText($scope).Trim() -eq '3')) {
        return "the kernel forbids attaching to processes ($scope is 3)"
    }
    $null
}
