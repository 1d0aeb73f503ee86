function Get-MgEnvironment {
    <#
    .SYNOPSIS
        The clouds Connect-MgGraph -Environment knows: built-in and added ones.
    .DESCRIPTION
        Name, AzureADEndpoint, GraphEndpoint and Type (Built-in / User-defined), sorted by
        name; with -Name, only that environment.
    .PARAMETER Name
        One environment's name (case-insensitive).
    .EXAMPLE
        Get-MgEnvironment -Name Global
    .LINK
        https://learn.microsoft.com/powershell/module/microsoft.graph.authentication/get-mgenvironment
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param([Parameter(Position = 0)][string]$Name)
    $arguments = [ordered]@{ action = 'get' }
    if ($Name) { $arguments.name = $Name }
    $result = Invoke-BridgeOperation -Cmdlet $PSCmdlet -Op 'environments' -Arguments $arguments
    $result.environments  # typed by the core (Microsoft.Graph.PowerShell.Authentication.Models.GraphEnvironment)
}
