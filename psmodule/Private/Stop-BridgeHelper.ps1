function Stop-BridgeHelper {
    <#
    .SYNOPSIS
        End the session's helper: ask it to shut down, then close its pipes.
    #>
    [CmdletBinding()]
    param()
    $helper = $script:BridgeHelper
    $script:BridgeHelper = $null
    if ($helper) {
        $null = $helper.Send('{"v":1,"id":"shutdown","op":"shutdown"}')
        $helper.Dispose()
    }
}
