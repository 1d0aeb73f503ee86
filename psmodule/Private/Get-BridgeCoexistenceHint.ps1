function Get-BridgeCoexistenceHint {
    <#
    .SYNOPSIS
        Why "Authentication needed" although the user called Connect-MgGraph, or $null.
    .DESCRIPTION
        With Microsoft's Microsoft.Graph.Authentication loaded (imported after MgBridge, or
        found first on PSModulePath by auto-loading), an unqualified Connect-MgGraph signs in
        to Microsoft's module, whose connection MgBridge's New-MgApplicationSynchronizationJob
        cannot use. When MgBridge is not connected and that module is loaded (connected, or
        its Connect-MgGraph is what the name resolves to), the error says so and how to fix it
        (docs/guide.md, "Side by side with Microsoft.Graph").
    #>
    $microsoft = Get-Module -Name Microsoft.Graph.Authentication | Select-Object -First 1
    if (-not $microsoft) { return $null }
    $context = $null
    if ($microsoft.ExportedCommands.ContainsKey('Get-MgContext')) {
        try { $context = & $microsoft.ExportedCommands['Get-MgContext'] -ErrorAction Stop } catch { $context = $null }
    }
    $resolved = Get-Command -Name Connect-MgGraph -CommandType Function, Cmdlet -ErrorAction SilentlyContinue | Select-Object -First 1
    $shadowed = $resolved -and $resolved.ModuleName -ne 'MgBridge'
    if (-not $context -and -not $shadowed) { return $null }
    $what = if ($context) { 'is connected through' } else { 'has' }
    "This session $what Microsoft's Microsoft.Graph.Authentication module ($($microsoft.Version), " +
        "$($microsoft.ModuleBase)): an unqualified Connect-MgGraph " +
        $(if ($shadowed) { 'goes to that module' } else { 'may have gone to that module' }) +
        ", and MgBridge's New-MgApplicationSynchronizationJob cannot use its connection. Fix: call " +
        "MgBridge\Connect-MgGraph; or import MgBridge after Microsoft.Graph.Authentication " +
        "(Import-Module MgBridge -Force) so its commands win; in a script, put '#Requires -Modules MgBridge' " +
        "at the top so MgBridge is imported before the script's Connect-MgGraph runs. See about_MgBridge."
}
