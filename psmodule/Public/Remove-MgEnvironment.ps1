function Remove-MgEnvironment {
    <#
    .SYNOPSIS
        Remove a custom cloud added with Add-MgEnvironment.
    .DESCRIPTION
        Built-in environments cannot be removed. Returns the removed environment.
    .PARAMETER Name
        The environment's name (case-insensitive).
    .EXAMPLE
        Remove-MgEnvironment -Name Emu
    .LINK
        https://learn.microsoft.com/powershell/module/microsoft.graph.authentication/remove-mgenvironment
    #>
    [CmdletBinding(SupportsShouldProcess = $true)]
    [OutputType([pscustomobject])]
    param([Parameter(Mandatory = $true, Position = 0)][string]$Name)
    if (-not $PSCmdlet.ShouldProcess($Name, 'Remove environment')) { return }
    $result = Invoke-BridgeOperation -Cmdlet $PSCmdlet -Op 'environments' -Arguments ([ordered]@{ action = 'remove'; name = $Name }) -Journal
    $result.environments  # typed by the core (Microsoft.Graph.PowerShell.Authentication.Models.GraphEnvironment)
}
