function Get-MgContext {
    <#
    .SYNOPSIS
        The current Microsoft Graph connection's context, or nothing when not connected.
    .DESCRIPTION
        ClientId, TenantId, Scopes, AuthType, TokenCredentialType, CertificateThumbprint,
        Account, AppName, ContextScope and Environment, as Microsoft.Graph.Authentication
        shows them. Holds no secret.
    .EXAMPLE
        (Get-MgContext).Environment
    .LINK
        https://learn.microsoft.com/powershell/module/microsoft.graph.authentication/get-mgcontext
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param()
    $result = Invoke-BridgeOperation -Cmdlet $PSCmdlet -Op 'get_context'
    if ($result.context) { $result.context }  # typed by the core (...Authentication.AuthContext)
}
