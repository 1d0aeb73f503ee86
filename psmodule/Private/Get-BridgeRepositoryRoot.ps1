function Get-BridgeRepositoryRoot {
    <#
    .SYNOPSIS
        The checkout this module belongs to (the folder holding psmodule/ and bridge/).
    .DESCRIPTION
        Resolved on first use, not at import: a module installed on PSModulePath as a
        symlink (MgBridge -> <checkout>/psmodule) is followed to the real checkout, whose
        bridge/ and .venv the helper then uses.
    #>
    # Cached: the C# helper resolves the link (shared with [MgBridge.HelperLauncher]).
    if (-not $script:ModuleRealRoot) { $script:ModuleRealRoot = [MgBridge.HelperLauncher]::RepositoryRoot($script:ModuleRoot) }
    $script:ModuleRealRoot
}
