function Get-BridgeRepositoryRoot {
    <#
    .SYNOPSIS
        The checkout this module belongs to (the folder holding psmodule/ and bridge/).
    .DESCRIPTION
        Resolved on first use, not at import: a module installed on PSModulePath as a
        symlink (MgBridge -> <checkout>/psmodule) is followed to the real checkout, whose
        bridge/ and .venv the helper then uses.
    #>
    if (-not $script:ModuleRealRoot) {
        $root = $script:ModuleRoot
        $target = [System.IO.DirectoryInfo]::new($root).ResolveLinkTarget($true)
        if ($null -ne $target) { $root = $target.FullName }
        $script:ModuleRealRoot = $root
    }
    [System.IO.Path]::GetDirectoryName($script:ModuleRealRoot.TrimEnd([char[]]"\/"))
}
