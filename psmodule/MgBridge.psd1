#
# Module manifest for MgBridge: Microsoft Graph PowerShell's
# New-MgApplicationSynchronizationJob (and the Microsoft.Graph.Authentication
# commands it needs), implemented by the Python core in bridge/.
#
@{
    RootModule           = 'MgBridge.psm1'
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Core')
    GUID                 = '6f7d0d52-3d0e-4f8e-9b59-1a8f1f6c2a71'
    Author               = 'MgBridge contributors'
    CompanyName          = 'MgBridge'
    Copyright            = '(c) MgBridge contributors. MIT License.'
    Description          = 'New-MgApplicationSynchronizationJob with Microsoft Graph PowerShell''s exact surface, backed by a Python core (bridge) over a versioned JSON protocol.'
    PowerShellVersion    = '7.4'
    # The default table view (Id, TemplateId) of the output type, as the SDK's format data,
    # is generated/MgBridge.format.ps1xml, loaded before the first job is output
    # (Import-BridgeFormatData), not here: format data at import costs 0.1-1 s.
    FunctionsToExport    = @(
        'New-MgApplicationSynchronizationJob',
        'Connect-MgGraph',
        'Disconnect-MgGraph',
        'Get-MgContext',
        'Add-MgEnvironment',
        'Get-MgEnvironment',
        'Remove-MgEnvironment',
        'Set-MgRequestContext',
        'Get-MgRequestContext',
        'Select-MgProfile'
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('MicrosoftGraph', 'Synchronization', 'Python', 'PSEdition_Core')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ReleaseNotes = 'Subprocess transport (protocol version 1).'
        }
    }
}
