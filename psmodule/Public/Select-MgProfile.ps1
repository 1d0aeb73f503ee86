function Select-MgProfile {
    <#
    .SYNOPSIS
        Choose the Graph API version of later calls: v1.0 (default) or beta.
    .DESCRIPTION
        As Microsoft Graph PowerShell 1.x's Select-MgProfile: New-MgApplicationSynchronizationJob
        then sends to https://<graph>/<profile>/applications/...
    .PARAMETER Name
        v1.0 or beta.
    .EXAMPLE
        Select-MgProfile -Name beta
    .LINK
        https://learn.microsoft.com/powershell/microsoftgraph/migration-steps
    #>
    [CmdletBinding(SupportsShouldProcess = $true)]
    param([Parameter(Mandatory = $true, Position = 0)][ValidateSet('v1.0', 'beta')][string]$Name)
    if (-not $PSCmdlet.ShouldProcess($Name, 'Select profile')) { return }
    $null = Invoke-BridgeOperation -Cmdlet $PSCmdlet -Op 'profile' -Arguments ([ordered]@{ action = 'select'; name = $Name }) -Journal
}
