function Add-MgEnvironment {
    <#
    .SYNOPSIS
        Add a custom cloud (login and Graph endpoints) for Connect-MgGraph -Environment.
    .DESCRIPTION
        As the SDK's Add-MgEnvironment. MgBridge adds -CaFile: a PEM bundle of extra
        certificate authorities trusted for this environment's endpoints (the way to
        reach a private endpoint such as the local Graph emulator without turning TLS
        verification off). $env:MGBRIDGE_CA_FILE adds one bundle for every environment.
    .PARAMETER Name
        The environment's name (case-insensitive; built-in names cannot be reused).
    .PARAMETER AzureADEndpoint
        The sign-in endpoint, https, without tenant (https://login.example.com).
    .PARAMETER GraphEndpoint
        The Graph service root, https, without version (https://graph.example.com).
    .PARAMETER CaFile
        A PEM file of extra CA certificates to trust for this environment.
    .EXAMPLE
        Add-MgEnvironment -Name Emu -AzureADEndpoint $info.login_url -GraphEndpoint $info.graph_url -CaFile $info.ca_file
    .LINK
        https://learn.microsoft.com/powershell/module/microsoft.graph.authentication/add-mgenvironment
    #>
    [CmdletBinding(PositionalBinding = $false)]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory = $true)][string]$Name,
        [Parameter(Mandatory = $true)][string]$AzureADEndpoint,
        [Parameter(Mandatory = $true)][string]$GraphEndpoint,
        [string]$CaFile
    )
    $arguments = [ordered]@{ action = 'add'; name = $Name; azureADEndpoint = $AzureADEndpoint; graphEndpoint = $GraphEndpoint }
    if ($CaFile) {
        # An existing file resolves without Resolve-Path, whose first use in a session costs
        # ~70 ms (docs/performance.md); anything else gets Resolve-Path's own error.
        $caPath = try { $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($CaFile) } catch { $null }
        $arguments.caFile = if ($caPath -and [System.IO.File]::Exists($caPath)) { $caPath } else { (Resolve-Path -LiteralPath $CaFile -ErrorAction Stop).ProviderPath }
    }
    $result = Invoke-BridgeOperation -Cmdlet $PSCmdlet -Op 'environments' -Arguments $arguments -Journal
    $result.environments  # typed by the core (Microsoft.Graph.PowerShell.Authentication.Models.GraphEnvironment)
}
