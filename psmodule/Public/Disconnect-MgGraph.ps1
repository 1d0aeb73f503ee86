function Disconnect-MgGraph {
    <#
    .SYNOPSIS
        Sign out of Microsoft Graph and forget this session's connection.
    .DESCRIPTION
        Ends the connection made by Connect-MgGraph, drops its cached tokens in the core,
        and returns the context that was signed in (as the SDK does). Does nothing when
        not connected.
    .EXAMPLE
        Disconnect-MgGraph | Out-Null
    .LINK
        https://learn.microsoft.com/powershell/module/microsoft.graph.authentication/disconnect-mggraph
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param()
    $result = Invoke-BridgeOperation -Cmdlet $PSCmdlet -Op 'disconnect'
    [MgBridge.BridgeJournal]::Add([MgBridge.HelperLauncher]::SharedState(), 'disconnect', @{}, $false)
    if ($result.context) { $result.context }  # typed by the core (...Authentication.AuthContext)
}
