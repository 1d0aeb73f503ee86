function Get-BridgeModuleVersion {
    # This module's version, as its manifest declares it (from pyproject.toml).
    if (-not $script:ModuleVersion) { $script:ModuleVersion = $ExecutionContext.SessionState.Module.Version.ToString() }
    $script:ModuleVersion
}
