function Get-BridgeSessionEnvironment {
    <#
    .SYNOPSIS
        This session's values of the environment variables a sign-in flow reads ('environ').
    .DESCRIPTION
        The core does not see this session's environment variables: the helper's were fixed
        when it started, and an in-process (pythonnet) core reads the C environment, which
        $env: assignments do not change. So Connect-MgGraph sends, for a flow that reads
        variables, the session's current values: empty counts as unset (as in the core),
        secrets stay SecureStrings until the pipe, and relative paths are resolved against
        the current location here, not the core's directory.
    .PARAMETER Cmdlet
        The calling command's $PSCmdlet (resolves paths against its location).
    .PARAMETER Names
        Variables sent as text.
    .PARAMETER SecretNames
        Variables sent as SecureStrings.
    .PARAMETER PathNames
        Those of Names that hold a path.
    #>
    param(
        [Parameter(Mandatory)][System.Management.Automation.PSCmdlet]$Cmdlet,
        [string[]]$Names,
        [string[]]$SecretNames,
        [string[]]$PathNames
    )
    $environ = [ordered]@{}
    foreach ($name in $Names) {
        $value = [System.Environment]::GetEnvironmentVariable($name)
        if ([string]::IsNullOrEmpty($value)) { continue }
        if ($name -in $PathNames) { $value = $Cmdlet.GetUnresolvedProviderPathFromPSPath($value) }
        $environ[$name] = $value
    }
    foreach ($name in $SecretNames) {
        $value = [System.Environment]::GetEnvironmentVariable($name)
        if (-not [string]::IsNullOrEmpty($value)) { $environ[$name] = ConvertTo-SecureString -String $value -AsPlainText -Force }
    }
    $environ
}
