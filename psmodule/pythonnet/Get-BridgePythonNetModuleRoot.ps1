function Get-BridgePythonNetModuleRoot {
    # psmodule/: the module's root when loaded by the module (whose functions may come
    # from a cached bundle, so $PSScriptRoot is not the source folder), else the parent
    # of this file's folder (the transport's tests dot-source these files directly).
    if ($script:ModuleRoot) { return $script:ModuleRoot }
    [System.IO.Path]::GetDirectoryName($PSScriptRoot)
}
