function Stop-BridgeHelper {
    <#
    .SYNOPSIS
        End the process's helper: ask it to shut down, then close its pipes.
    .DESCRIPTION
        The helper is shared by every runspace of the process, so removing the module does
        not call this (the helper exits on its own when pwsh exits and its stdin closes).
        Waits for the process-wide request lock, so no call of another runspace is cut off.
    #>
    [CmdletBinding()]
    param()
    $state = Get-BridgeSubprocessState
    $locked = $false
    try {
        while (-not $locked) { $locked = [System.Threading.Monitor]::TryEnter($state.Lock, 50) }
        $helper = $state.Helper
        $state.Helper = $null
        if ($helper) {
            $null = $helper.Send('{"v":1,"id":"shutdown","op":"shutdown"}')
            $helper.Dispose()
        }
    } finally {
        if ($locked) { [System.Threading.Monitor]::Exit($state.Lock) }
    }
}
